// The ".dev_key" file of the open ID² Client SDK's Linux emulator carrier (its demo KM's reserved partition), as that
// SDK writes it after id2_client_set_id2_and_key (checked byte for byte against a file it wrote): 4096 bytes of 0xFF
// (the demo HAL's two 2048-byte blocks), the ID² item at offset 0 and the key item at offset 512, each a little-endian
// magic 0xF00A0102, a little-endian length and the bytes (the ID² as text, the raw key), zero-padded to 520 bytes. The
// items overlap, so the ID² item is written first. The demo KM takes AES and SM4 keys only; the file names no type.
using System.Buffers.Binary;
using System.Text;

namespace Thingyard.Protocol.Id2;

public static class Id2DevKeyFile
{
    const uint ItemMagic = 0xF00A0102;
    const int ItemSize = 4 + 4 + 128 * 4;
    const int KeyOffset = 512;
    const int FileSize = 4096;

    public static byte[] Write(string id2, Id2Key key)
    {
        if (key.Type is not (Id2KeyType.Aes or Id2KeyType.Sm4))
            throw new InvalidOperationException($"The client SDK's demo KM holds AES and SM4 keys only, not {key.Type.Name()}; export as csv.");
        var file = new byte[FileSize];
        file.AsSpan().Fill(0xFF);
        WriteItem(file.AsSpan(0, ItemSize), Encoding.ASCII.GetBytes(id2));
        WriteItem(file.AsSpan(KeyOffset, ItemSize), Convert.FromHexString(key.Material));
        return file;
    }

    /// <summary>Whether these bytes start like a .dev_key file.</summary>
    public static bool Looks(ReadOnlySpan<byte> file) => file.Length >= KeyOffset + ItemSize && BinaryPrimitives.ReadUInt32LittleEndian(file) == ItemMagic;

    /// <summary>The ID² and raw key a .dev_key file holds.</summary>
    public static (string Id2, byte[] Key) Read(ReadOnlySpan<byte> file)
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
