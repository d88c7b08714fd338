// Files that hold secrets (the database and its -wal/-shm, master.key, the admin key, the TLS key) are for the server's
// user only: the data folder 0700, files 0600. Modes are set after creation too, so neither the umask nor an older
// install leaves them readable by others. Nothing to do on Windows (the folder's ACL decides).
namespace Thingyard.Common;

public static class OwnerOnly
{
    public const UnixFileMode FileBits = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderBits = FileBits | UnixFileMode.UserExecute;

    /// <summary>Creates the folder 0700 or narrows an existing one; returns why it could not (a folder of another user).</summary>
    public static string? CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return null;
        }
        Directory.CreateDirectory(path, FolderBits);
        try { File.SetUnixFileMode(path, FolderBits); }
        catch (UnauthorizedAccessException e) { return e.Message; }
        return null;
    }

    /// <summary>Narrows an existing file to 0600; nothing when it does not exist.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path)) File.SetUnixFileMode(path, FileBits);
    }

    /// <summary>Options that create the file 0600 from its first byte.</summary>
    public static FileStreamOptions Create(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileBits;
        return options;
    }

    /// <summary>Writes the file 0600 (also when it existed before with another mode).</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        using (var file = new FileStream(path, Create(FileMode.Create))) file.Write(bytes);
        Restrict(path);
    }
}
