using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeviceDataToApplications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlarmRules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: true),
                    DeviceName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeviceGroupId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TriggerKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Operator = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    ConsecutiveCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ClearAfterSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    WebhookUrls = table.Column<string>(type: "TEXT", nullable: false),
                    EmailAddresses = table.Column<string>(type: "TEXT", nullable: false),
                    WebhookToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlarmRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlarmRules_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Alarms",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    RuleId = table.Column<long>(type: "INTEGER", nullable: false),
                    RuleName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DeviceName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IotId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TriggerKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LastValue = table.Column<string>(type: "TEXT", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    AutoClearAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    AcknowledgedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgeNote = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ClearedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ClearedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    ClearNote = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alarms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Alarms_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Alarms_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProductTopicClasses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    ShortName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Operation = table.Column<int>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProductTopicClasses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProductTopicClasses_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Rules",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    TopicType = table.Column<int>(type: "INTEGER", nullable: false),
                    ShortTopic = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Select = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Where = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    DataType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    MatchedCount = table.Column<long>(type: "INTEGER", nullable: false),
                    ForwardedCount = table.Column<long>(type: "INTEGER", nullable: false),
                    FailedCount = table.Column<long>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    LastErrorAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Rules_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Rules_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ThingScripts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    ScriptType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Content = table.Column<string>(type: "TEXT", nullable: true),
                    Draft = table.Column<string>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ModifiedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ThingScripts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ThingScripts_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 160, nullable: true),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Context = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastStatus = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebhookDeliveries_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AlarmHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlarmId = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlarmHistory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlarmHistory_Alarms_AlarmId",
                        column: x => x.AlarmId,
                        principalTable: "Alarms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RuleActions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    RuleId = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Configuration = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    ErrorActionFlag = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuleActions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RuleActions_Rules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "Rules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AlarmHistory_AlarmId_Id",
                table: "AlarmHistory",
                columns: new[] { "AlarmId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AlarmRules_AccountId_Name",
                table: "AlarmRules",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlarmRules_ProductId",
                table: "AlarmRules",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_Alarms_AccountId_State_Id",
                table: "Alarms",
                columns: new[] { "AccountId", "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alarms_AutoClearAtMs",
                table: "Alarms",
                column: "AutoClearAtMs");

            migrationBuilder.CreateIndex(
                name: "IX_Alarms_DeviceId",
                table: "Alarms",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_Alarms_ProductId",
                table: "Alarms",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_Alarms_RuleId_DeviceId_State",
                table: "Alarms",
                columns: new[] { "RuleId", "DeviceId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_ProductTopicClasses_ProductId_ShortName",
                table: "ProductTopicClasses",
                columns: new[] { "ProductId", "ShortName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RuleActions_RuleId",
                table: "RuleActions",
                column: "RuleId");

            migrationBuilder.CreateIndex(
                name: "IX_Rules_AccountId_Name",
                table: "Rules",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Rules_ProductId",
                table: "Rules",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_ThingScripts_ProductId",
                table: "ThingScripts",
                column: "ProductId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_AccountId_State_Source",
                table: "WebhookDeliveries",
                columns: new[] { "AccountId", "State", "Source" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_State_NextAttemptMs",
                table: "WebhookDeliveries",
                columns: new[] { "State", "NextAttemptMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlarmHistory");

            migrationBuilder.DropTable(
                name: "AlarmRules");

            migrationBuilder.DropTable(
                name: "ProductTopicClasses");

            migrationBuilder.DropTable(
                name: "RuleActions");

            migrationBuilder.DropTable(
                name: "ThingScripts");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "Alarms");

            migrationBuilder.DropTable(
                name: "Rules");
        }
    }
}
