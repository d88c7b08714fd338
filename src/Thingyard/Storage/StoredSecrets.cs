// Brings stored secrets under the current master key at start, before anything is served. Device and product secrets,
// device tokens, ID² keys, alarm rules' webhook tokens and rule actions' configurations (a webhook's token) stored in clear (by a version before sealing) are sealed, once: sealed values carry
// SecretProtector.SealedPrefix, so later starts pass them by. While a previous key is configured (rotation), every
// value sealed with it, AccessKey secrets included, is sealed again with the current key; rows already done are
// skipped, so an interrupted rotation just runs again. A current key that opens nothing stops the start.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Thingyard.Accounts;

namespace Thingyard.Storage;

public static class StoredSecrets
{
    const int Batch = 1000;

    /// <summary>A secret column; Prefixed: sealed values carry the prefix (clear ones may exist), else always sealed.</summary>
    sealed record Column(string Table, string Name, bool Prefixed);

    static readonly Column[] Columns =
    [
        new("Products", "ProductSecret", true), new("Devices", "DeviceSecret", true), new("Devices", "DeviceToken", true),
        new("AlarmRules", "WebhookToken", true), new("RuleActions", "Configuration", true), new("AccessKeys", "SecretCipher", false),
        new("Id2Identities", "KeyMaterial", true),
    ];

    /// <summary>Seals clear values and, with <paramref name="previous"/>, re-seals what it sealed. Returns both counts.</summary>
    public static async Task<(int Sealed, int Resealed)> BringUnderAsync(IDbContextFactory<ThingyardDb> dbs, SecretProtector current,
        SecretProtector? previous, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        var (sealedCount, resealed) = (0, 0);
        foreach (var column in Columns)
        {
            if (previous is null) await CheckKeyAsync(connection, column, current, ct);
            // Without a previous key only clear values need work; with one, every row is looked at.
            var filter = previous is null
                ? column.Prefixed ? $"\"{column.Name}\" NOT LIKE '{SecretProtector.SealedPrefix}%'" : null
                : "1 = 1";
            if (filter is null) continue;
            object? last = null;
            while (true)
            {
                var rows = await ReadAsync(connection, column, filter, last, ct);
                if (rows.Count == 0) break;
                var changes = new List<(object Id, string Value)>();
                foreach (var (id, value) in rows)
                {
                    var next = Reseal(column, value, current, previous);
                    if (next is null) continue;
                    changes.Add((id, next));
                    if (column.Prefixed && !SecretProtector.IsSealed(value)) sealedCount++;
                    else resealed++;
                }
                await WriteAsync(connection, column, changes, ct);
                last = rows[^1].Id;
            }
        }
        return (sealedCount, resealed);
    }

    /// <summary>The value to store instead, or null when it is fine as it is.</summary>
    static string? Reseal(Column column, string value, SecretProtector current, SecretProtector? previous)
    {
        if (column.Prefixed && !SecretProtector.IsSealed(value)) return current.SealValue(value);
        var text = column.Prefixed ? value[SecretProtector.SealedPrefix.Length..] : value;
        if (current.TryOpen(text, out _)) return null;
        if (previous is not null && previous.TryOpen(text, out var plain)) return column.Prefixed ? current.SealValue(plain) : current.Seal(plain);
        throw KeyMismatch(column, previous is not null);
    }

    /// <summary>One sealed value must open with the key: a wrong key stops the start here, not at the first connect.</summary>
    static async Task CheckKeyAsync(DbConnection connection, Column column, SecretProtector current, CancellationToken ct)
    {
        var filter = column.Prefixed ? $"\"{column.Name}\" LIKE '{SecretProtector.SealedPrefix}%'" : "1 = 1";
        var rows = await ReadAsync(connection, column, filter, null, ct, limit: 1);
        if (rows.Count == 1) Reseal(column, rows[0].Value, current, previous: null); // throws when the key does not open it
    }

    static InvalidOperationException KeyMismatch(Column column, bool rotating) => new(rotating
        ? $"A stored {column.Table}.{column.Name} opens with neither the master key nor the previous one; configure the key it was sealed with."
        : $"The master key does not open the stored {column.Table}.{column.Name}: configure the key they were sealed with " +
          "(Thingyard:Security:MasterKey or MasterKeyPath). To change keys, give the new key and the old one as " +
          "Thingyard:Security:PreviousMasterKey or PreviousMasterKeyPath (docs/operations.md).");

    static async Task<List<(object Id, string Value)>> ReadAsync(DbConnection connection, Column column, string filter, object? after,
        CancellationToken ct, int limit = Batch)
    {
        await using var cmd = connection.CreateCommand();
        var from = after is null ? "" : """ AND "Id" > @last""";
        cmd.CommandText = $"""SELECT "Id", "{column.Name}" FROM "{column.Table}" WHERE "{column.Name}" IS NOT NULL AND {filter}{from} ORDER BY "Id" LIMIT {limit}""";
        if (after is not null) Add(cmd, "@last", after);
        var rows = new List<(object, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetValue(0), reader.GetString(1)));
        return rows;
    }

    static async Task WriteAsync(DbConnection connection, Column column, List<(object Id, string Value)> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""UPDATE "{column.Table}" SET "{column.Name}" = @v WHERE "Id" = @id""";
        var (value, id) = (Add(cmd, "@v", ""), Add(cmd, "@id", changes[0].Id));
        foreach (var change in changes)
        {
            (value.Value, id.Value) = (change.Value, change.Id);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    static DbParameter Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        (p.ParameterName, p.Value) = (name, value);
        cmd.Parameters.Add(p);
        return p;
    }
}
