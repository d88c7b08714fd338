// The SQLite database file, and whether a connection still writes to it. A file deleted (or renamed over) while the
// server has it open keeps taking reads and commits on its unlinked inode, so nothing fails, and all of it is gone at
// the next start. SQLite can tell: SQLITE_FCNTL_HAS_MOVED compares the inode the connection has open with the one the
// path leads to now, and a missing path counts as moved. While the old inode is held open the filesystem cannot give
// its number to another file, so a replacement never passes for the original. Microsoft.Data.Sqlite does not wrap
// sqlite3_file_control, so it is called in the bundled e_sqlite3 library (the one Microsoft.Data.Sqlite loaded);
// with another SQLite build the check falls back to whether the path still exists (deletion only).
using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Thingyard.Storage;

public sealed class SqliteDatabaseFile
{
    const int HasMovedOp = 20; // SQLITE_FCNTL_HAS_MOVED
    static bool _fileControlMissing;

    SqliteDatabaseFile(string? path) => Path = path;

    /// <summary>Full path of the database file; null on PostgreSQL, for in-memory databases and for URI file names
    /// (file:...), which are left as configured.</summary>
    public string? Path { get; }

    public static SqliteDatabaseFile For(StorageOptions options, string dataDir)
    {
        if (options.IsPostgres) return new(null);
        var cs = new SqliteConnectionStringBuilder(StorageSetup.ConnectionString(options, dataDir));
        var noPlainFile = cs.Mode == SqliteOpenMode.Memory || cs.DataSource is "" or ":memory:"
            || cs.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
        return new(noPlainFile ? null : System.IO.Path.GetFullPath(cs.DataSource));
    }

    /// <summary>The file is there and holds something (SQLite leaves an empty file where a connection opened a missing path).</summary>
    public bool Exists => Path is not null && new FileInfo(Path) is { Exists: true, Length: > 0 };

    public string MovedProblem => $"the database file {Path} was deleted or replaced while the server had it open";

    /// <summary>Whether <paramref name="connection"/> (open) has a file the path no longer leads to.</summary>
    public bool HasMoved(DbConnection connection)
    {
        if (Path is null || connection is not SqliteConnection { Handle: { IsInvalid: false } handle }) return false;
        if (!Volatile.Read(ref _fileControlMissing))
        {
            try
            {
                var moved = 0;
                if (sqlite3_file_control(handle, "main", HasMovedOp, ref moved) == 0) return moved != 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _fileControlMissing, true);
            }
        }
        return !File.Exists(Path);
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    static extern int sqlite3_file_control(SafeHandle db, [MarshalAs(UnmanagedType.LPUTF8Str)] string dbName, int op, ref int result);
}
