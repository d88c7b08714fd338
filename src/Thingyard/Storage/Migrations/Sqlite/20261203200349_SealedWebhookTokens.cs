using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Thingyard.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SealedWebhookTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
