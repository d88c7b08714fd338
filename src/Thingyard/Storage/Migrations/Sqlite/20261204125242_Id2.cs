using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Id2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Id2Challenges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2 = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Random = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAtMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Id2Challenges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Id2Products",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: true),
                    Pattern = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Carrier = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    KeyType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Whitelist = table.Column<bool>(type: "INTEGER", nullable: false),
                    QuotaAllocated = table.Column<long>(type: "INTEGER", nullable: false),
                    QuotaUsed = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Id2Products", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Id2Products_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Id2Products_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Id2Batches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Carrier = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    KeyType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectedJson = table.Column<string>(type: "TEXT", nullable: false),
                    ExportCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastExportAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Id2Batches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Id2Batches_Id2Products_Id2ProductId",
                        column: x => x.Id2ProductId,
                        principalTable: "Id2Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Id2Identities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2 = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    KeyType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    KeyMaterial = table.Column<string>(type: "TEXT", nullable: false),
                    HasPrivateKey = table.Column<bool>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    DeviceName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ActivatedAtMs = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Id2Identities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Id2Identities_Id2Products_Id2ProductId",
                        column: x => x.Id2ProductId,
                        principalTable: "Id2Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Id2Verifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    Id2 = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Code = table.Column<int>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    AtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Id2Verifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Id2Verifications_Id2Products_Id2ProductId",
                        column: x => x.Id2ProductId,
                        principalTable: "Id2Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Id2Batches_BatchId",
                table: "Id2Batches",
                column: "BatchId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Id2Batches_Id2ProductId_Id",
                table: "Id2Batches",
                columns: new[] { "Id2ProductId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Id2Challenges_ExpiresAtMs",
                table: "Id2Challenges",
                column: "ExpiresAtMs");

            migrationBuilder.CreateIndex(
                name: "IX_Id2Challenges_Random",
                table: "Id2Challenges",
                column: "Random",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Id2Identities_BatchId",
                table: "Id2Identities",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_Id2Identities_Id2",
                table: "Id2Identities",
                column: "Id2",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Id2Identities_Id2ProductId_DeviceName",
                table: "Id2Identities",
                columns: new[] { "Id2ProductId", "DeviceName" });

            migrationBuilder.CreateIndex(
                name: "IX_Id2Identities_Id2ProductId_Id",
                table: "Id2Identities",
                columns: new[] { "Id2ProductId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Id2Products_AccountId",
                table: "Id2Products",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_Id2Products_ProductId",
                table: "Id2Products",
                column: "ProductId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Id2Products_ProductKey",
                table: "Id2Products",
                column: "ProductKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Id2Verifications_Id2ProductId_Id",
                table: "Id2Verifications",
                columns: new[] { "Id2ProductId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Id2Verifications_Id2_Id",
                table: "Id2Verifications",
                columns: new[] { "Id2", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Id2Batches");

            migrationBuilder.DropTable(
                name: "Id2Challenges");

            migrationBuilder.DropTable(
                name: "Id2Identities");

            migrationBuilder.DropTable(
                name: "Id2Verifications");

            migrationBuilder.DropTable(
                name: "Id2Products");
        }
    }
}
