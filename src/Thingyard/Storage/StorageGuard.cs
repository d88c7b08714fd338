// Keeps EF Core honest about storage. While StorageHealth is faulted, nothing reaches the database: opening a
// connection, SaveChanges, ExecuteUpdate/Delete and raw SQL throw StorageUnavailableException, one clear error for
// every caller, where a database file deleted under the server would otherwise answer from the unlinked file and a
// new connection would fail with whatever the driver says. A write that went into a SQLite file deleted or replaced
// under the server is reported as failed instead of succeeding on the unlinked file. A command or connection failing
// because the database itself fails (StorageFailures) faults StorageHealth.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Thingyard.Storage;

public sealed class StorageGuard(StorageHealth health, SqliteDatabaseFile file)
    : DbCommandInterceptor, ISaveChangesInterceptor, IDbConnectionInterceptor
{
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        // Thrown here rather than from the first command, which SaveChanges would wrap in a DbUpdateException.
        health.ThrowIfFaulted();
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        health.ThrowIfFaulted();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        BeforeWrite(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        BeforeWrite(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        BeforeWrite(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        BeforeWrite(eventData);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        BeforeWrite(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        BeforeWrite(eventData);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (WroteToMovedFile(command, eventData)) { result.Dispose(); throw Moved(); }
        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (WroteToMovedFile(command, eventData)) { await result.DisposeAsync(); throw Moved(); }
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result) =>
        WroteToMovedFile(command, eventData) ? throw Moved() : result;

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        WroteToMovedFile(command, eventData) ? throw Moved() : ValueTask.FromResult(result);

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result) =>
        WroteToMovedFile(command, eventData) ? throw Moved() : result;

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default) =>
        WroteToMovedFile(command, eventData) ? throw Moved() : ValueTask.FromResult(result);

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ReportCommand(eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReportCommand(eventData);
        return Task.CompletedTask;
    }

    /// <summary>A table missing from the migrated schema means the file was deleted (a new, empty one opened) or
    /// replaced: say so, whichever query was first to meet it (a read, on a connection opened after the deletion).</summary>
    void ReportCommand(CommandErrorEventData e)
    {
        if (file.Path is not null && e.CommandSource != CommandSource.Migrations
            && e.Exception is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 1 } sqlite
            && sqlite.Message.Contains("no such table", StringComparison.Ordinal))
            health.Faulted(file.MovedProblem, e.Exception);
        else
            Report(e.Exception);
    }

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        health.ThrowIfFaulted();
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        health.ThrowIfFaulted();
        return ValueTask.FromResult(result);
    }

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Report(eventData.Exception);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Report(eventData.Exception);
        return Task.CompletedTask;
    }

    static bool IsWrite(CommandEventData e) => e.CommandSource is CommandSource.SaveChanges or CommandSource.ExecuteUpdate
        or CommandSource.ExecuteDelete or CommandSource.ExecuteSqlRaw or CommandSource.Migrations;

    /// <summary>A write on a connection that was already open when storage became faulted.</summary>
    void BeforeWrite(CommandEventData e)
    {
        if (IsWrite(e)) health.ThrowIfFaulted();
    }

    bool WroteToMovedFile(DbCommand command, CommandEventData e) =>
        IsWrite(e) && command.Connection is { } connection && file.HasMoved(connection);

    StorageUnavailableException Moved()
    {
        health.Faulted(file.MovedProblem);
        return new StorageUnavailableException(file.MovedProblem);
    }

    void Report(Exception e)
    {
        if (StorageFailures.Describe(e, "a database command failed") is not { } problem) return;
        // Whatever error a command met after the SQLite file was deleted (a background job's read, an I/O error on the
        // unlinked file), the deletion is the cause to report: the path now holds nothing, or an empty new file.
        if (file.Path is not null && !file.Exists) problem = file.MovedProblem;
        health.Faulted(problem, e);
    }
}
