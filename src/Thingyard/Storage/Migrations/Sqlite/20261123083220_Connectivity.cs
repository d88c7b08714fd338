using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Connectivity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DeviceToken",
                table: "Devices",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputData = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Events_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GatewayLinks",
                columns: table => new
                {
                    SubDeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    GatewayDeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GatewayLinks", x => x.SubDeviceId);
                    table.ForeignKey(
                        name: "FK_GatewayLinks_Devices_GatewayDeviceId",
                        column: x => x.GatewayDeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_GatewayLinks_Devices_SubDeviceId",
                        column: x => x.SubDeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PropertyLatest",
                columns: table => new
                {
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PropertyLatest", x => new { x.DeviceId, x.Identifier });
                    table.ForeignKey(
                        name: "FK_PropertyLatest_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PropertySamples",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PropertySamples", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PropertySamples_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ServiceCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Identifier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    InputData = table.Column<string>(type: "TEXT", nullable: false),
                    OutputData = table.Column<string>(type: "TEXT", nullable: true),
                    Code = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServiceCalls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ServiceCalls_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Shadows",
                columns: table => new
                {
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Reported = table.Column<string>(type: "TEXT", nullable: true),
                    Desired = table.Column<string>(type: "TEXT", nullable: true),
                    Metadata = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shadows", x => x.DeviceId);
                    table.ForeignKey(
                        name: "FK_Shadows_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Events_DeviceId_EventType_TimeMs",
                table: "Events",
                columns: new[] { "DeviceId", "EventType", "TimeMs" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_DeviceId_Identifier_TimeMs",
                table: "Events",
                columns: new[] { "DeviceId", "Identifier", "TimeMs" });

            migrationBuilder.CreateIndex(
                name: "IX_GatewayLinks_GatewayDeviceId",
                table: "GatewayLinks",
                column: "GatewayDeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_PropertySamples_DeviceId_Identifier_TimeMs",
                table: "PropertySamples",
                columns: new[] { "DeviceId", "Identifier", "TimeMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCalls_DeviceId_Identifier_TimeMs",
                table: "ServiceCalls",
                columns: new[] { "DeviceId", "Identifier", "TimeMs" });

            migrationBuilder.CreateIndex(
                name: "IX_ServiceCalls_DeviceId_MessageId",
                table: "ServiceCalls",
                columns: new[] { "DeviceId", "MessageId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Events");

            migrationBuilder.DropTable(
                name: "GatewayLinks");

            migrationBuilder.DropTable(
                name: "PropertyLatest");

            migrationBuilder.DropTable(
                name: "PropertySamples");

            migrationBuilder.DropTable(
                name: "ServiceCalls");

            migrationBuilder.DropTable(
                name: "Shadows");

            migrationBuilder.DropColumn(
                name: "DeviceToken",
                table: "Devices");
        }
    }
}
