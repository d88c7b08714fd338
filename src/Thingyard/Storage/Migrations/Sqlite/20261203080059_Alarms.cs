using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Alarms : Migration
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlarmHistory");

            migrationBuilder.DropTable(
                name: "AlarmRules");

            migrationBuilder.DropTable(
                name: "Alarms");
        }
    }
}
