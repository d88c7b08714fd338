// The enabled alarm rules of every product, held in memory for the message path: a product without rules costs one
// dictionary lookup. Dropped when AlarmChanges reports a rule change; the evaluator loads it again on its next value.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;

namespace Thingyard.Alarms;

public sealed class AlarmRuleDirectory
{
    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly SemaphoreSlim _loading = new(1, 1);
    volatile Dictionary<long, AlarmRule[]>? _rules;
    int _version;

    public AlarmRuleDirectory(IDbContextFactory<ThingyardDb> dbs, AlarmChanges changes)
    {
        _dbs = dbs;
        changes.RulesChanged += () =>
        {
            Interlocked.Increment(ref _version);
            _rules = null;
        };
    }

    /// <summary>Whether the product may have rules: false only when it surely has none (the rules are loaded and it has
    /// no entry), so the caller hands the values on while the rules are being reloaded.</summary>
    public bool MayHaveRules(long productId) => _rules is not { } rules || rules.ContainsKey(productId);

    public async ValueTask<AlarmRule[]> RulesAsync(long productId, CancellationToken ct = default)
    {
        var rules = _rules ?? await LoadAsync(ct);
        return rules.TryGetValue(productId, out var found) ? found : [];
    }

    async Task<Dictionary<long, AlarmRule[]>> LoadAsync(CancellationToken ct)
    {
        await _loading.WaitAsync(ct);
        try
        {
            while (true)
            {
                if (_rules is { } current) return current;
                var version = Volatile.Read(ref _version);
                await using var db = await _dbs.CreateDbContextAsync(ct);
                var rows = await db.AlarmRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct);
                var loaded = rows.GroupBy(r => r.ProductId).ToDictionary(g => g.Key, g => g.ToArray());
                // A change during the load may be missing from it: load again.
                if (Volatile.Read(ref _version) != version) continue;
                _rules = loaded;
                return loaded;
            }
        }
        finally { _loading.Release(); }
    }
}
