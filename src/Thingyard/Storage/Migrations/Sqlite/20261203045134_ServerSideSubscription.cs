using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServerSideSubscription : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Backlog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    ConsumerGroupId = table.Column<long>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    GenerateTimeMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Backlog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConsumerGroups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    DroppedCount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsumerGroups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsumerGroups_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SubscribeRelations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<long>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Kinds = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubscribeRelations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubscribeRelations_Products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "Products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SubscribeRelationGroups",
                columns: table => new
                {
                    RelationId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConsumerGroupId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubscribeRelationGroups", x => new { x.RelationId, x.ConsumerGroupId });
                    table.ForeignKey(
                        name: "FK_SubscribeRelationGroups_ConsumerGroups_ConsumerGroupId",
                        column: x => x.ConsumerGroupId,
                        principalTable: "ConsumerGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SubscribeRelationGroups_SubscribeRelations_RelationId",
                        column: x => x.RelationId,
                        principalTable: "SubscribeRelations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Backlog_ConsumerGroupId_Id",
                table: "Backlog",
                columns: new[] { "ConsumerGroupId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsumerGroups_AccountId_GroupId",
                table: "ConsumerGroups",
                columns: new[] { "AccountId", "GroupId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConsumerGroups_AccountId_Name",
                table: "ConsumerGroups",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelationGroups_ConsumerGroupId",
                table: "SubscribeRelationGroups",
                column: "ConsumerGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_AccountId",
                table: "SubscribeRelations",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_ProductId_Type",
                table: "SubscribeRelations",
                columns: new[] { "ProductId", "Type" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Backlog");

            migrationBuilder.DropTable(
                name: "SubscribeRelationGroups");

            migrationBuilder.DropTable(
                name: "ConsumerGroups");

            migrationBuilder.DropTable(
                name: "SubscribeRelations");
        }
    }
}
