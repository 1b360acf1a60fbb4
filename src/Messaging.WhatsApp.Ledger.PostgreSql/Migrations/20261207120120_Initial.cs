using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Messaging.WhatsApp.Ledger.PostgreSql.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Provider = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    RegistrationName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Instance = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    KeyGenerated = table.Column<bool>(type: "boolean", nullable: false),
                    ChatId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    AttemptedAt = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Outcome = table.Column<int>(type: "integer", nullable: false),
                    SettledAt = table.Column<long>(type: "bigint", nullable: true),
                    MessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ErrorType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ErrorMessage = table.Column<string>(type: "text", nullable: true),
                    HttpStatus = table.Column<int>(type: "integer", nullable: true),
                    ProviderCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    StatusRank = table.Column<int>(type: "integer", nullable: false),
                    StatusAt = table.Column<long>(type: "bigint", nullable: true),
                    ReplyTo = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: true),
                    ReconcileAttempts = table.Column<int>(type: "integer", nullable: false),
                    StuckSince = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_whatsapp_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_status_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DeduplicationHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DeduplicationKey = table.Column<string>(type: "text", nullable: false),
                    Provider = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    RegistrationName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Instance = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    MessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ChatId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    StatusRank = table.Column<int>(type: "integer", nullable: false),
                    ProviderStatus = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    ProviderTime = table.Column<long>(type: "bigint", nullable: true),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false)
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
                name: "IX_whatsapp_messages_outbox_chat",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "RegistrationName", "ChatId", "Id" },
                filter: "\"Outcome\" IN (0, 4)");

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_outbox_queue",
                table: "whatsapp_messages",
                column: "Id",
                filter: "\"Outcome\" = 4");

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Outcome_LeaseUntil",
                table: "whatsapp_messages",
                columns: new[] { "Outcome", "LeaseUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Outcome_NextAttemptAt",
                table: "whatsapp_messages",
                columns: new[] { "Outcome", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Provider_MessageId",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "MessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_whatsapp_messages_Provider_RegistrationName_ChatId_Id",
                table: "whatsapp_messages",
                columns: new[] { "Provider", "RegistrationName", "ChatId", "Id" });

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
