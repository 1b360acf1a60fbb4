using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.WhatsApp.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class Outbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "whatsapp_messages",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "whatsapp_messages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "whatsapp_messages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ReconcileAttempts",
                table: "whatsapp_messages",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ReplyTo",
                table: "whatsapp_messages",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StuckSince",
                table: "whatsapp_messages",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Outcome_LeaseUntil",
                table: "whatsapp_messages",
                columns: new[] { "Outcome", "LeaseUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Outcome_NextAttemptAt",
                table: "whatsapp_messages",
                columns: new[] { "Outcome", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Provider_RegistrationName_ChatId_Id",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "RegistrationName", "ChatId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_whatsapp_messages_Outcome_LeaseUntil",
                table: "whatsapp_messages");

            migrationBuilder.DropIndex(
                name: "IX_whatsapp_messages_Outcome_NextAttemptAt",
                table: "whatsapp_messages");

            migrationBuilder.DropIndex(
                name: "IX_whatsapp_messages_Provider_RegistrationName_ChatId_Id",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "ReconcileAttempts",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "ReplyTo",
                table: "whatsapp_messages");

            migrationBuilder.DropColumn(
                name: "StuckSince",
                table: "whatsapp_messages");
        }
    }
}
