// A small number unique among the running nodes (0..63): a PostgreSQL advisory lock held on a connection of its own for
// the life of the process, released by the database when the process dies. Message ids use it (MessageIds.UseSlot) so
// that two nodes never make the same id.
using Npgsql;

namespace Thingyard.Server.Cluster;

public sealed class NodeSlot : IAsyncDisposable
{
    public const int Slots = 64;
    const int LockSpace = 0x5479; // the first key of the two-key advisory locks: Thingyard's message id slots

    NpgsqlConnection? _connection;
    public int Slot { get; private set; } = -1;

    public async Task TakeAsync(string connectionString, CancellationToken ct = default)
    {
        // No pooling: the lock lives exactly as long as this connection.
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString;
        _connection = new NpgsqlConnection(cs);
        await _connection.OpenAsync(ct);
        for (var slot = 0; slot < Slots; slot++)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockSpace}, {slot})", _connection);
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                Slot = slot;
                return;
            }
        }
        throw new InvalidOperationException($"Every one of the {Slots} node slots is held: a cluster has at most {Slots} nodes running");
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
