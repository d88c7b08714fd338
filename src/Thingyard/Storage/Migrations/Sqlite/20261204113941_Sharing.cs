using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sharing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SubscribeRelations_ProductId_Type",
                table: "SubscribeRelations");

            migrationBuilder.AddColumn<long>(
                name: "PublicSinceMs",
                table: "Products",
                type: "INTEGER",
                nullable: true);

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
                name: "DeviceTransfers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TransferId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    GranteeAccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAtMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceTransfers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviceTransfers_Accounts_GranteeAccountId",
                        column: x => x.GranteeAccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DeviceTransfers_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
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

            migrationBuilder.CreateTable(
                name: "DeviceTransferItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TransferRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceTransferItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviceTransferItems_DeviceTransfers_TransferRowId",
                        column: x => x.TransferRowId,
                        principalTable: "DeviceTransfers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_DeviceTransferItems_Devices_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "Devices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_ProductId_AccountId_Type",
                table: "SubscribeRelations",
                columns: new[] { "ProductId", "AccountId", "Type" },
                unique: true);

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
                name: "IX_DeviceTransferItems_DeviceId",
                table: "DeviceTransferItems",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTransferItems_TransferRowId",
                table: "DeviceTransferItems",
                column: "TransferRowId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTransfers_AccountId",
                table: "DeviceTransfers",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTransfers_GranteeAccountId",
                table: "DeviceTransfers",
                column: "GranteeAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTransfers_ProductId",
                table: "DeviceTransfers",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTransfers_TransferId",
                table: "DeviceTransfers",
                column: "TransferId",
                unique: true);

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
                name: "DeviceTransferItems");

            migrationBuilder.DropTable(
                name: "ProductAuthorizations");

            migrationBuilder.DropTable(
                name: "DeviceTransfers");

            migrationBuilder.DropIndex(
                name: "IX_SubscribeRelations_ProductId_AccountId_Type",
                table: "SubscribeRelations");

            migrationBuilder.DropColumn(
                name: "PublicSinceMs",
                table: "Products");

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_ProductId_Type",
                table: "SubscribeRelations",
                columns: new[] { "ProductId", "Type" },
                unique: true);
        }
    }
}
