using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SubscriptionPerAccount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SubscribeRelations_ProductId_Type",
                table: "SubscribeRelations");

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_ProductId_AccountId_Type",
                table: "SubscribeRelations",
                columns: new[] { "ProductId", "AccountId", "Type" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SubscribeRelations_ProductId_AccountId_Type",
                table: "SubscribeRelations");

            migrationBuilder.CreateIndex(
                name: "IX_SubscribeRelations_ProductId_Type",
                table: "SubscribeRelations",
                columns: new[] { "ProductId", "Type" },
                unique: true);
        }
    }
}
