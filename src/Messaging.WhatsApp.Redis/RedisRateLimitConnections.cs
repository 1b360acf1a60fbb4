using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Messaging.WhatsApp.Redis;

/// <summary>
/// The Redis connections the rate limiters of one service provider share: one per configuration string,
/// connected on first use, reconnecting by itself after the store returns, disposed with the container.
/// </summary>
internal sealed class RedisRateLimitConnections : IDisposable
{
    private readonly Dictionary<string, Task<ConnectionMultiplexer>> _connections = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>How many connections are open or opening, for tests.</summary>
    internal int Count
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>The connection options the limiter needs: never give up connecting, and fail a command at once while disconnected (so that a send fails fast instead of queueing behind a reconnection).</summary>
    internal static ConfigurationOptions Options(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <summary>The database of <paramref name="configuration"/>'s connection, connecting it on first use.</summary>
    public Func<CancellationToken, Task<IDatabaseAsync>> Database(string configuration) =>
        async cancellationToken =>
        {
            var connection = await Within(Connect(configuration), "Not connected to the rate limit store in time.", cancellationToken).ConfigureAwait(false);
            return connection.GetDatabase();
        };

    /// <summary>
    /// What <paramref name="task"/> returns, or a <see cref="TimeoutException"/> once <paramref name="deadline"/> is
    /// cancelled; the task itself is left to finish, its fault observed.
    /// </summary>
    internal static async Task<T> Within<T>(Task<T> task, string timeoutMessage, CancellationToken deadline)
    {
        if (!task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (deadline.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw new TimeoutException(timeoutMessage);
                }
            }
        }

        return await task.ConfigureAwait(false);
    }

    private Task<ConnectionMultiplexer> Connect(string configuration)
    {
        lock (_connections)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(RedisRateLimitConnections));
            }

            // A connection that failed to start (it does not, with AbortOnConnectFail off, but a bad host name can)
            // is started again rather than remembered.
            if (!_connections.TryGetValue(configuration, out var connection) || connection.IsFaulted || connection.IsCanceled)
            {
                connection = ConnectionMultiplexer.ConnectAsync(Options(configuration));
                _connections[configuration] = connection;
            }

            return connection;
        }
    }

    public void Dispose()
    {
        List<Task<ConnectionMultiplexer>> connections;
        lock (_connections)
        {
            _disposed = true;
            connections = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var connection in connections)
        {
            if (connection.Status == TaskStatus.RanToCompletion)
            {
                connection.Result.Dispose();
            }
            else
            {
                _ = connection.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }
    }
}
