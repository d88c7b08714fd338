// Provisioning files: how identities leave the server, for the production line of the chosen carrier.
// - csv: "id2,keyType,key" per identity (key as Id2Key.Material), for a KM or TEE line's own tooling, or a chip vendor;
// - km-demo: for the open ID² Client SDK's Linux emulator carrier (its demo KM), one ".dev_key" reserved-partition file
//   per identity (Id2DevKeyFile), in a zip as "<ID²>/.dev_key".
using System.IO.Compression;
using System.Text;
using Thingyard.Protocol.Id2;

namespace Thingyard.Id2;

public static class Id2Provisioning
{
    public const string Csv = "csv";
    public const string KmDemo = "km-demo";
    public static readonly string[] Formats = [Csv, KmDemo];

    public static string CsvOf(IEnumerable<(string Id2, Id2Key Key)> identities)
    {
        var text = new StringBuilder("id2,keyType,key\n");
        foreach (var (id2, key) in identities) text.Append(id2).Append(',').Append(key.Type.Name()).Append(',').Append(key.Material).Append('\n');
        return text.ToString();
    }

    public static byte[] KmDemoZip(IEnumerable<(string Id2, Id2Key Key)> identities)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (id2, key) in identities)
            {
                var entry = zip.CreateEntry($"{id2}/.dev_key", CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(DevKeyFile(id2, key));
            }
        return buffer.ToArray();
    }

    /// <summary>The demo KM's reserved partition holding one identity.</summary>
    public static byte[] DevKeyFile(string id2, Id2Key key) => Id2DevKeyFile.Write(id2, key);
}
