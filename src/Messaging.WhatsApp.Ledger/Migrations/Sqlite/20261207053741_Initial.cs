using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Messaging.WhatsApp.Ledger.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "whatsapp_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    RegistrationName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Instance = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KeyGenerated = table.Column<bool>(type: "INTEGER", nullable: false),
                    ChatId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AttemptedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<int>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ErrorType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true),
                    HttpStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    ProviderCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusRank = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_whatsapp_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_status_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeduplicationHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DeduplicationKey = table.Column<string>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    RegistrationName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Instance = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ChatId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusRank = table.Column<int>(type: "INTEGER", nullable: false),
                    ProviderStatus = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    ProviderTime = table.Column<long>(type: "INTEGER", nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_whatsapp_status_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_ChatId_CreatedAt",
                table: "whatsapp_messages",
                columns: new[] { "ChatId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_CreatedAt",
                table: "whatsapp_messages",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Provider_MessageId",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "MessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Provider_RegistrationName_IdempotencyKey",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "RegistrationName", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Status_CreatedAt",
                table: "whatsapp_messages",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_status_events_DeduplicationHash",
                table: "whatsapp_status_events",
                column: "DeduplicationHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_status_events_Provider_MessageId",
                table: "whatsapp_status_events",
                columns: new[] { "Provider", "MessageId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "whatsapp_messages");

            migrationBuilder.DropTable(
                name: "whatsapp_status_events");
        }
    }
}
