using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EndUsers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EndUsers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<long>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSignInAtMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EndUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EndUsers_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EndUserResetCodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EndUserId = table.Column<long>(type: "INTEGER", nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    UsedAtMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EndUserResetCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EndUserResetCodes_EndUsers_EndUserId",
                        column: x => x.EndUserId,
                        principalTable: "EndUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EndUserSessions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EndUserId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccessHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AccessExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    RefreshHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RefreshExpiresAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    PreviousRefreshHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAtMs = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EndUserSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EndUserSessions_EndUsers_EndUserId",
                        column: x => x.EndUserId,
                        principalTable: "EndUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EndUserResetCodes_EndUserId",
                table: "EndUserResetCodes",
                column: "EndUserId");

            migrationBuilder.CreateIndex(
                name: "IX_EndUserSessions_AccessHash",
                table: "EndUserSessions",
                column: "AccessHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EndUserSessions_EndUserId",
                table: "EndUserSessions",
                column: "EndUserId");

            migrationBuilder.CreateIndex(
                name: "IX_EndUserSessions_PreviousRefreshHash",
                table: "EndUserSessions",
                column: "PreviousRefreshHash");

            migrationBuilder.CreateIndex(
                name: "IX_EndUserSessions_RefreshHash",
                table: "EndUserSessions",
                column: "RefreshHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EndUsers_ProjectId_Email",
                table: "EndUsers",
                columns: new[] { "ProjectId", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EndUsers_ProjectId_Phone",
                table: "EndUsers",
                columns: new[] { "ProjectId", "Phone" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EndUsers_UserId",
                table: "EndUsers",
                column: "UserId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EndUserResetCodes");

            migrationBuilder.DropTable(
                name: "EndUserSessions");

            migrationBuilder.DropTable(
                name: "EndUsers");
        }
    }
}
