using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.WhatsApp.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class OutboxIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_outbox_chat",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "RegistrationName", "ChatId", "Id" },
                filter: "\"Outcome\" IN (0, 4)");

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_outbox_queue",
                table: "whatsapp_messages",
                column: "Id",
                filter: "\"Outcome\" = 4");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_whatsapp_messages_outbox_chat",
                table: "whatsapp_messages");

            migrationBuilder.DropIndex(
                name: "IX_whatsapp_messages_outbox_queue",
                table: "whatsapp_messages");
        }
    }
}
