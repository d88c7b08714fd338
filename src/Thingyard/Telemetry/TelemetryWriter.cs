// Writes a batch of telemetry in one transaction with prepared commands: history rows are appended,
// the latest value per property is upserted once per batch, status changes update the device row, and messages for
// consumer groups go into the backlog in the same commit, one segment (row) per group (BacklogSegment).
// On PostgreSQL every statement is a network round trip, so the batch goes in three: all history rows in one
// INSERT ... unnest(arrays), the other entries pipelined as one DbBatch, and all latest values in one upsert.
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.Subscriptions;

namespace Thingyard.Telemetry;

public sealed class TelemetryWriter(IDbContextFactory<ThingyardDb> dbs, WalCheckpointer checkpointer, SqliteDatabaseFile file) : IAsyncDisposable
{
    ThingyardDb? _db;
    DbConnection? _connection;
    readonly Dictionary<string, DbCommand> _commands = [];

    const string InsertProperty = """INSERT INTO "PropertySamples" ("DeviceId","Identifier","TimeMs","Value") VALUES (@d,@i,@t,@v)""";
    const string UpsertLatest = """
        INSERT INTO "PropertyLatest" ("DeviceId","Identifier","TimeMs","Value") VALUES (@d,@i,@t,@v)
        ON CONFLICT ("DeviceId","Identifier") DO UPDATE SET "TimeMs" = excluded."TimeMs", "Value" = excluded."Value"
        WHERE excluded."TimeMs" >= "PropertyLatest"."TimeMs"
        """;
    const string InsertEvent = """INSERT INTO "Events" ("DeviceId","Identifier","EventType","TimeMs","OutputData") VALUES (@d,@i,@x,@t,@v)""";
    const string InsertCall = """INSERT INTO "ServiceCalls" ("DeviceId","Identifier","MessageId","TimeMs","InputData") VALUES (@d,@i,@x,@t,@v)""";
    const string UpdateReply = """UPDATE "ServiceCalls" SET "OutputData" = @v, "Code" = @c WHERE "DeviceId" = @d AND "MessageId" = @x""";
    const string SetOnline = """
        UPDATE "Devices" SET "Status" = 'ONLINE', "LastOnlineAtMs" = @t, "IpAddress" = @i, "ConnectedNode" = @x,
            "ActivatedAtMs" = COALESCE("ActivatedAtMs", @t) WHERE "Id" = @d AND "Status" <> 'DISABLE'
        """;
    const string SetOffline = """UPDATE "Devices" SET "Status" = 'OFFLINE' WHERE "Id" = @d AND "Status" = 'ONLINE'""";

    const string InsertPropertiesPg = """
        INSERT INTO "PropertySamples" ("DeviceId","Identifier","TimeMs","Value")
        SELECT * FROM unnest(@d::bigint[], @i::text[], @t::bigint[], @v::text[])
        """;
    const string UpsertLatestPg = """
        INSERT INTO "PropertyLatest" ("DeviceId","Identifier","TimeMs","Value")
        SELECT * FROM unnest(@d::bigint[], @i::text[], @t::bigint[], @v::text[])
        ON CONFLICT ("DeviceId","Identifier") DO UPDATE SET "TimeMs" = excluded."TimeMs", "Value" = excluded."Value"
        WHERE excluded."TimeMs" >= "PropertyLatest"."TimeMs"
        """;

    const string InsertSegment = """
        INSERT INTO "BacklogSegments" ("ConsumerGroupId","FirstId","LastId","Count","GenerateTimeMs","Data") VALUES (@g,@first,@last,@n,@t,@data)
        RETURNING "Seq"
        """;

    // SQLite has no array parameters: the segments come as one JSON array, read by json_each.
    const string DeleteAcceptedMany = """DELETE FROM "BacklogSegments" WHERE "Seq" IN (SELECT value FROM json_each(@ids))""";
    const string DeleteAcceptedPg = """DELETE FROM "BacklogSegments" WHERE "Seq" = ANY(@id)""";

    bool _postgres;

    public async Task WriteAsync(IReadOnlyList<TelemetryEntry> batch)
    {
        var connection = await ConnectionAsync();
        if (checkpointer.RestartDue && !_postgres) await checkpointer.RestartAsync(connection);
        await using var tx = await connection.BeginTransactionAsync();
        if (_postgres)
        {
            await WritePostgresAsync(connection, tx, batch);
            await tx.CommitAsync();
            return;
        }
        var latest = new Dictionary<(long, string), TelemetryEntry>();
        List<BacklogMessage>? forwards = null;
        foreach (var e in batch)
        {
            if (e.Kind == TelemetryKind.Forward) { (forwards ??= []).Add(e.Message!); continue; }
            var (sql, values) = StatementOf(e);
            await ExecAsync(tx, sql, values);
            if (e.Kind != TelemetryKind.Property) continue;
            var key = (e.DeviceId, e.Identifier!);
            if (!latest.TryGetValue(key, out var seen) || seen.TimeMs <= e.TimeMs) latest[key] = e;
        }
        foreach (var e in latest.Values) await ExecAsync(tx, UpsertLatest, StatementOf(e).Values);
        if (forwards is not null) await ExecSegmentsAsync(tx, forwards);
        await tx.CommitAsync();
        // A file deleted or replaced under the server still takes commits, into an inode nothing will open again:
        // such a batch is not stored, whatever the commit said (one stat of the path per batch).
        if (file.HasMoved(connection)) throw new StorageUnavailableException(file.MovedProblem);
    }

    /// <summary>Deletes backlog segments whose messages were all accepted, in one statement and a transaction of their own.</summary>
    public async Task DeleteAcceptedAsync(long[] seqs)
    {
        var connection = await ConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var p = cmd.CreateParameter();
        if (_postgres)
        {
            cmd.CommandText = DeleteAcceptedPg;
            p.ParameterName = "@id";
            p.Value = seqs;
        }
        else
        {
            cmd.CommandText = DeleteAcceptedMany;
            p.ParameterName = "@ids";
            p.Value = "[" + string.Join(',', seqs) + "]";
        }
        cmd.Parameters.Add(p);
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        if (!_postgres && file.HasMoved(connection)) throw new StorageUnavailableException(file.MovedProblem);
    }

    // Every statement names some of these; an entry's values come in this order.
    static readonly (string Name, DbType Type)[] Parameters =
        [("@d", DbType.Int64), ("@i", DbType.String), ("@t", DbType.Int64), ("@v", DbType.String), ("@x", DbType.String), ("@c", DbType.Int32)];

    /// <summary>The statement an entry becomes and its values for @d, @i, @t, @v, @x and @c (a property's also suit UpsertLatest).</summary>
    static (string Sql, object?[] Values) StatementOf(TelemetryEntry e) => e.Kind switch
    {
        TelemetryKind.Property => (InsertProperty, [e.DeviceId, e.Identifier, e.TimeMs, e.Json, null, 0]),
        TelemetryKind.Event => (InsertEvent, [e.DeviceId, e.Identifier, e.TimeMs, e.Json, e.Extra, 0]),
        TelemetryKind.ServiceCall => (InsertCall, [e.DeviceId, e.Identifier, e.TimeMs, e.Json, e.Extra, 0]),
        TelemetryKind.ServiceReply => (UpdateReply, [e.DeviceId, null, 0L, e.Json, e.Extra, e.Code]),
        TelemetryKind.Online => (SetOnline, [e.DeviceId, e.Identifier, e.TimeMs, null, e.Extra, 0]),
        _ => (SetOffline, [e.DeviceId, null, 0L, null, null, 0]),
    };

    /// <summary>Adds the parameters <paramref name="sql"/> names, and only those (PostgreSQL refuses extras), with their
    /// values when given.</summary>
    static void AddParameters(DbParameterCollection to, Func<DbParameter> create, string sql, object?[]? values)
    {
        for (var i = 0; i < Parameters.Length; i++)
        {
            if (!sql.Contains(Parameters[i].Name, StringComparison.Ordinal)) continue;
            var p = create();
            p.ParameterName = Parameters[i].Name;
            p.DbType = Parameters[i].Type;
            if (values is not null) p.Value = values[i] ?? DBNull.Value;
            to.Add(p);
        }
    }

    async Task WritePostgresAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<TelemetryEntry> batch)
    {
        var properties = batch.Where(e => e.Kind == TelemetryKind.Property).ToList();
        if (properties.Count > 0) await ExecArraysAsync(connection, tx, InsertPropertiesPg, properties);

        var forwards = batch.Where(e => e.Kind == TelemetryKind.Forward).Select(e => e.Message!).ToList();
        if (forwards.Count > 0) await ExecSegmentsAsync(tx, forwards);

        var others = batch.Where(e => e.Kind is not (TelemetryKind.Property or TelemetryKind.Forward)).ToList();
        if (others.Count > 0)
        {
            // In entry order, so a service reply follows the call it answers and offline follows online.
            await using var pipelined = connection.CreateBatch();
            pipelined.Transaction = tx;
            foreach (var e in others)
            {
                var (sql, values) = StatementOf(e);
                var cmd = pipelined.CreateBatchCommand();
                cmd.CommandText = sql;
                AddParameters(cmd.Parameters, cmd.CreateParameter, sql, values);
                pipelined.BatchCommands.Add(cmd);
            }
            await pipelined.ExecuteNonQueryAsync();
        }

        // The newest value per property of this batch, the later entry on a tie (one row per key: ON CONFLICT may not
        // touch a row twice).
        var latest = properties.GroupBy(e => (e.DeviceId, e.Identifier)).Select(g => g.Aggregate((a, b) => b.TimeMs >= a.TimeMs ? b : a)).ToList();
        if (latest.Count > 0) await ExecArraysAsync(connection, tx, UpsertLatestPg, latest);
    }

    static async Task ExecArraysAsync(DbConnection connection, DbTransaction tx, string sql, List<TelemetryEntry> rows)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        void Add(string name, object values) { var p = cmd.CreateParameter(); p.ParameterName = name; p.Value = values; cmd.Parameters.Add(p); }
        Add("@d", rows.Select(e => e.DeviceId).ToArray());
        Add("@i", rows.Select(e => e.Identifier!).ToArray());
        Add("@t", rows.Select(e => e.TimeMs).ToArray());
        Add("@v", rows.Select(e => e.Json!).ToArray());
        await cmd.ExecuteNonQueryAsync();
    }

    static readonly (string Name, DbType Type)[] SegmentParameters =
        [("@g", DbType.Int64), ("@first", DbType.Int64), ("@last", DbType.Int64), ("@n", DbType.Int32), ("@t", DbType.Int64), ("@data", DbType.Binary)];

    /// <summary>One segment per consumer group, its messages in id order; each message learns its segment's Seq.</summary>
    async Task ExecSegmentsAsync(DbTransaction tx, List<BacklogMessage> forwards)
    {
        foreach (var run in forwards.GroupBy(m => m.ConsumerGroupId))
        {
            var messages = run.OrderBy(m => m.Id).ToList();
            var segment = BacklogSegment.Of(messages);
            var seq = Convert.ToInt64(await ExecPreparedAsync(tx, InsertSegment, SegmentParameters,
                [segment.ConsumerGroupId, segment.FirstId, segment.LastId, segment.Count, segment.GenerateTimeMs, segment.Data], scalar: true));
            foreach (var m in messages) m.Seq = seq;
        }
    }

    /// <summary>Runs a statement with its own parameter list (the backlog's), prepared once per connection like ExecAsync's;
    /// with <paramref name="scalar"/>, returns what it returns.</summary>
    async Task<object?> ExecPreparedAsync(DbTransaction tx, string sql, (string Name, DbType Type)[] parameters, object[] values, bool scalar = false)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = _connection!.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = name;
                p.DbType = type;
                cmd.Parameters.Add(p);
            }
            _commands[sql] = cmd;
        }
        cmd.Transaction = tx;
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
        if (scalar) return await cmd.ExecuteScalarAsync();
        await cmd.ExecuteNonQueryAsync();
        return null;
    }

    /// <summary>After a failure: drop the connection and its prepared commands, so the next batch starts clean.</summary>
    public async Task ResetAsync()
    {
        foreach (var c in _commands.Values) await c.DisposeAsync();
        _commands.Clear();
        if (_db is not null) await _db.DisposeAsync();
        _db = null;
        _connection = null;
    }

    async Task<DbConnection> ConnectionAsync()
    {
        if (_connection is not null) return _connection;
        _db = await dbs.CreateDbContextAsync();
        _connection = _db.Database.GetDbConnection();
        await _connection.OpenAsync();
        _postgres = _db.Database.IsNpgsql();
        if (_db.Database.IsSqlite())
        {
            // WAL + NORMAL: a commit survives a process kill (kill -9); only a power cut can lose the last commits.
            // Checkpoints run beside the writer (WalCheckpointer), not inside its commits.
            await using var pragma = _connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;";
            await pragma.ExecuteNonQueryAsync();
        }
        return _connection;
    }

    async Task ExecAsync(DbTransaction tx, string sql, object?[] values)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = _connection!.CreateCommand();
            cmd.CommandText = sql;
            AddParameters(cmd.Parameters, cmd.CreateParameter, sql, null);
            _commands[sql] = cmd;
        }
        cmd.Transaction = tx;
        for (var i = 0; i < Parameters.Length; i++)
        {
            var at = cmd.Parameters.IndexOf(Parameters[i].Name);
            if (at >= 0) cmd.Parameters[at].Value = values[i] ?? DBNull.Value;
        }
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}
