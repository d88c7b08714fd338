// Reads and writes the config file; it holds a secret, so it is only ever created readable by its owner (0600).
using System.Text.Json;

namespace Thingyard.Cli.Config;

public sealed class ConfigFile(string path)
{
    static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path => path;

    public bool Exists => File.Exists(path);

    public CliConfig Load()
    {
        if (!File.Exists(path)) return CliConfig.Empty;
        try
        {
            return JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path), Format) ?? CliConfig.Empty;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read config file {path}: {e.Message}");
        }
    }

    public void Save(CliConfig config)
    {
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            else Directory.CreateDirectory(dir);
            File.Delete(temp);
            // A fresh 0600 file moved over the old one: the secret is never in a file others can read, even briefly.
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, config, Format);
                stream.WriteByte((byte)'\n');
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write config file {path}: {e.Message}");
        }
    }
}
