using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Thingyard.Storage.Migrations.Postgres
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
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ConsumerGroupId = table.Column<long>(type: "bigint", nullable: false),
                    FirstId = table.Column<long>(type: "bigint", nullable: false),
                    LastId = table.Column<long>(type: "bigint", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    GenerateTimeMs = table.Column<long>(type: "bigint", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
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
