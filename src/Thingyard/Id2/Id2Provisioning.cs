// Provisioning files: how identities leave the server, for the production line of the chosen carrier.
// - csv: "id2,keyType,key" per identity (key as Id2Key.Material), for a KM or TEE line's own tooling, or a chip vendor;
// - km-demo: for the open ID² Client SDK's Linux emulator carrier (its demo KM), one ".dev_key" reserved-partition file
//   per identity, in a zip as "<ID²>/.dev_key". That file is what the demo KM writes after id2_client_set_id2_and_key:
//   4096 bytes of 0xFF (the demo HAL's two 2048-byte blocks), the ID² item at offset 0 and the key item at offset 512, each a little-endian magic 0xF00A0102,
//   a little-endian length and the bytes (the ID² as text, the raw key), zero-padded to 520 bytes. The demo KM takes
//   AES and SM4 keys only.
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Thingyard.Protocol.Id2;

namespace Thingyard.Id2;

public static class Id2Provisioning
{
    public const string Csv = "csv";
    public const string KmDemo = "km-demo";
    public static readonly string[] Formats = [Csv, KmDemo];

    const uint ItemMagic = 0xF00A0102;
    const int ItemSize = 4 + 4 + 128 * 4;
    const int KeyOffset = 512;
    const int FileSize = 4096;

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
    public static byte[] DevKeyFile(string id2, Id2Key key)
    {
        if (key.Type is not (Id2KeyType.Aes or Id2KeyType.Sm4))
            throw new InvalidOperationException($"The client SDK's demo KM holds AES and SM4 keys only, not {key.Type.Name()}; export as csv.");
        var file = new byte[FileSize];
        file.AsSpan().Fill(0xFF);
        // The ID² item first, then the key item over the tail of its (zero) padding, as the SDK writes them.
        WriteItem(file.AsSpan(0, ItemSize), Encoding.ASCII.GetBytes(id2));
        WriteItem(file.AsSpan(KeyOffset, ItemSize), Convert.FromHexString(key.Material));
        return file;
    }

    /// <summary>Reads back the identity a ".dev_key" file holds (for tests and `thingyard id2 verify --dev-key`).</summary>
    public static (string Id2, byte[] Key) ReadDevKeyFile(ReadOnlySpan<byte> file)
    {
        if (file.Length < KeyOffset + ItemSize) throw new FormatException("A .dev_key file is at least 1032 bytes.");
        return (Encoding.ASCII.GetString(ReadItem(file[..ItemSize])), ReadItem(file.Slice(KeyOffset, ItemSize)).ToArray());
    }

    static void WriteItem(Span<byte> item, ReadOnlySpan<byte> data)
    {
        item.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(item, ItemMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(item[4..], (uint)data.Length);
        data.CopyTo(item[8..]);
    }

    static ReadOnlySpan<byte> ReadItem(ReadOnlySpan<byte> item)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(item) != ItemMagic) throw new FormatException("The .dev_key item has no magic number.");
        var size = BinaryPrimitives.ReadUInt32LittleEndian(item[4..]);
        if (size >= 128) throw new FormatException("The .dev_key item is too long.");
        return item.Slice(8, (int)size);
    }
}
