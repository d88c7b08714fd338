using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeviceAuthorizations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeviceAuthorizations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    GranteeAccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceAuthorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviceAuthorizations_Accounts_GranteeAccountId",
                        column: x => x.GranteeAccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DeviceAuthorizations_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProductAuthorizations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    GranteeAccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProductAuthorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProductAuthorizations_Accounts_GranteeAccountId",
                        column: x => x.GranteeAccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProductAuthorizations_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceAuthorizations_DeviceId_GranteeAccountId",
                table: "DeviceAuthorizations",
                columns: new[] { "DeviceId", "GranteeAccountId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeviceAuthorizations_GranteeAccountId",
                table: "DeviceAuthorizations",
                column: "GranteeAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceAuthorizations_ProductId_GranteeAccountId",
                table: "DeviceAuthorizations",
                columns: new[] { "ProductId", "GranteeAccountId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProductAuthorizations_GranteeAccountId",
                table: "ProductAuthorizations",
                column: "GranteeAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_ProductAuthorizations_ProductId_GranteeAccountId",
                table: "ProductAuthorizations",
                columns: new[] { "ProductId", "GranteeAccountId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviceAuthorizations");

            migrationBuilder.DropTable(
                name: "ProductAuthorizations");
        }
    }
}
