using System;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// Opens the context the ledger works in, one per operation: the ledger's own (from its pooled factory), or the app's
/// (its factory when it registered one, else a scope of its own).
/// </summary>
internal sealed class LedgerDatabase
{
    private readonly IServiceProvider _services;
    private readonly Func<IServiceProvider, CancellationToken, ValueTask<(DbContext Context, IDisposable? Scope)>> _open;

    private LedgerDatabase(IServiceProvider services, Func<IServiceProvider, CancellationToken, ValueTask<(DbContext, IDisposable?)>> open)
    {
        _services = services;
        _open = open;
    }

    /// <summary>The database of <typeparamref name="TContext"/>, as the app registered it.</summary>
    public static LedgerDatabase For<TContext>(IServiceProvider services)
        where TContext : DbContext =>
        new(services, static async (sp, cancellationToken) =>
        {
            if (sp.GetService<IDbContextFactory<TContext>>() is { } factory)
            {
                return (await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), null);
            }

            var scope = sp.CreateScope();
            return (scope.ServiceProvider.GetRequiredService<TContext>(), scope);
        });

    /// <summary>Runs <paramref name="work"/> in a context of its own.</summary>
    public async Task<T> RunAsync<T>(Func<DbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        var (context, scope) = await _open(_services, cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(context).ConfigureAwait(false);
        }
        finally
        {
            if (scope is null)
            {
                await context.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                scope.Dispose();
            }
        }
    }

    /// <summary>Whether the database refused a row because another holds its unique key.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException switch
        {
            // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
            SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
            // PostgreSQL's unique_violation (Npgsql sets SqlState), and any other provider that reports the standard code.
            DbException other => other.SqlState == "23505",
            _ => false,
        };

    /// <summary>SHA-256 of <paramref name="text"/>'s UTF-8, in lowercase hex.</summary>
    public static string Hash(string text)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(bytes);
    }
}
