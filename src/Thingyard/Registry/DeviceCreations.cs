// Reports every device created, however it was made (RegisterDevice, a batch, a production batch, dynamic registration,
// a distributed copy), once its row is committed: the server-side subscription's lifecycle "create" message. Watching
// SaveChanges here keeps each of those paths from having to remember it.
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Thingyard.Registry;

public sealed class DeviceCreations(DeviceChanges changes) : SaveChangesInterceptor
{
    readonly ConditionalWeakTable<DbContext, List<Device>> _pending = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Report(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Report(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    void Collect(DbContext? db)
    {
        if (db is null) return;
        List<Device>? added = null;
        foreach (var e in db.ChangeTracker.Entries<Device>())
            if (e.State == EntityState.Added) (added ??= []).Add(e.Entity);
        if (added is not null) _pending.AddOrUpdate(db, added);
        else _pending.Remove(db);
    }

    void Report(DbContext? db)
    {
        if (db is null || !_pending.TryGetValue(db, out var added)) return;
        _pending.Remove(db);
        foreach (var d in added) changes.Publish(DeviceChangeKind.Created, d);
    }

    void Forget(DbContext? db)
    {
        if (db is not null) _pending.Remove(db);
    }
}
