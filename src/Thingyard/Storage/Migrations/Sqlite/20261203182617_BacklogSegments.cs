using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BacklogSegments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BacklogSegments",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConsumerGroupId = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstId = table.Column<long>(type: "INTEGER", nullable: false),
                    LastId = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    GenerateTimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BacklogSegments", x => x.Seq);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BacklogSegments_ConsumerGroupId_Seq",
                table: "BacklogSegments",
                columns: new[] { "ConsumerGroupId", "Seq" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BacklogSegments");
        }
    }
}
