// A tiny MaxMind DB writer for tests: networks with their data go into a binary trie (the most specific network wins),
// written with 24-, 28- or 32-bit records as an IPv4 or IPv6 tree; values are maps, arrays, strings, doubles, floats,
// booleans, bytes and unsigned/signed integers. Repeated strings and records are written once and then pointed to, as
// real writers do, so every database it builds has pointers. It stays hand-written: NuGet has MaxMind's reader
// (MaxMind.Db, which the server uses) but no maintained .NET writer.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Thingyard.Tests.Distribution;

/// <summary>A uint16 value (C# ushort would also do; this keeps call sites explicit).</summary>
public readonly record struct MmdbUInt16(ushort Value);

public sealed class MmdbWriter(int ipVersion = 6, int recordSize = 28)
{
    sealed class Node
    {
        public Node? Zero, One;
        public object? ZeroData, OneData;
        public bool ZeroHas, OneHas;
        public int Index;
    }

    readonly List<(byte[] Address, int Prefix, object Data)> _networks = [];

    public string DatabaseType { get; set; } = "Thingyard-Test-City";

    /// <summary>Writes every pointer with the 4-byte form (SS=3), which readers must accept for any offset.</summary>
    public bool LongPointers { get; set; }

    /// <summary>Bytes of filler data written before the records, to push pointers into their 2- and 3-byte forms.</summary>
    public int Padding { get; set; }

    /// <summary>Metadata entries replacing the computed ones (to build broken files).</summary>
    public Dictionary<string, object> MetadataOverrides { get; } = new(StringComparer.Ordinal);

    /// <summary>How many pointers the last Build wrote, by their size bits SS (0: 2 bytes ... 3: 5 bytes).</summary>
    public int[] PointersWritten { get; } = new int[4];

    /// <summary>Adds a network ("1.2.3.0/24", "2001:db8::/32"); in an IPv6 tree IPv4 networks go under ::/96.</summary>
    public MmdbWriter Add(string cidr, object data)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? cidr : cidr[..slash]);
        var bytes = address.GetAddressBytes();
        var prefix = slash < 0 ? bytes.Length * 8 : int.Parse(cidr[(slash + 1)..]);
        if (address.AddressFamily == AddressFamily.InterNetwork && ipVersion == 6)
        {
            bytes = [.. new byte[12], .. bytes];
            prefix += 96;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && ipVersion == 4)
            throw new ArgumentException("an IPv4 database holds IPv4 networks only", nameof(cidr));
        _networks.Add((bytes, prefix, data));
        return this;
    }

    public byte[] Build()
    {
        var root = new Node();
        // Broad networks first, so a more specific one later splits them and keeps the rest of the broad one's data.
        foreach (var (address, prefix, value) in _networks.OrderBy(n => n.Prefix)) Insert(root, address, prefix, value);

        var nodes = new List<Node>();
        var queue = new Queue<Node>([root]);
        while (queue.TryDequeue(out var n))
        {
            n.Index = nodes.Count;
            nodes.Add(n);
            if (n.Zero is not null) queue.Enqueue(n.Zero);
            if (n.One is not null) queue.Enqueue(n.One);
        }

        Array.Clear(PointersWritten);
        var data = new DataSection(LongPointers, PointersWritten);
        if (Padding > 0) data.Write(new string('x', Padding)); // never pointed to by the tree
        var offsets = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        int Offset(object value)
        {
            if (!offsets.TryGetValue(value, out var at)) offsets[value] = at = data.Write(value);
            return at;
        }
        long Record(Node? child, bool has, object? value) =>
            child is not null ? child.Index : has ? nodes.Count + 16L + Offset(value!) : nodes.Count;

        var bytesPerNode = recordSize * 2 / 8;
        var tree = new byte[nodes.Count * bytesPerNode];
        foreach (var n in nodes)
        {
            var left = Record(n.Zero, n.ZeroHas, n.ZeroData);
            var right = Record(n.One, n.OneHas, n.OneData);
            var max = (1L << recordSize) - 1;
            if (left > max || right > max) throw new InvalidOperationException($"a record does not fit in {recordSize} bits");
            var p = n.Index * bytesPerNode;
            switch (recordSize)
            {
                case 24:
                    Put24(tree, p, left);
                    Put24(tree, p + 3, right);
                    break;
                case 28:
                    Put24(tree, p, left & 0xFFFFFF);
                    tree[p + 3] = (byte)(((left >> 24) << 4) | (right >> 24));
                    Put24(tree, p + 4, right & 0xFFFFFF);
                    break;
                case 32:
                    BinaryPrimitives.WriteUInt32BigEndian(tree.AsSpan(p), (uint)left);
                    BinaryPrimitives.WriteUInt32BigEndian(tree.AsSpan(p + 4), (uint)right);
                    break;
                default:
                    throw new InvalidOperationException($"record size {recordSize}");
            }
        }

        var meta = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["node_count"] = (uint)nodes.Count,
            ["record_size"] = new MmdbUInt16((ushort)recordSize),
            ["ip_version"] = new MmdbUInt16((ushort)ipVersion),
            ["database_type"] = DatabaseType,
            ["languages"] = new List<object> { "en" },
            ["binary_format_major_version"] = new MmdbUInt16(2),
            ["binary_format_minor_version"] = new MmdbUInt16(0),
            ["build_epoch"] = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["description"] = new Dictionary<string, object> { ["en"] = "Thingyard test database" },
        };
        foreach (var (k, v) in MetadataOverrides) meta[k] = v;
        var metadata = new DataSection(longPointers: false, new int[4]);
        metadata.Write(meta);

        using var file = new MemoryStream();
        file.Write(tree);
        file.Write(new byte[16]);
        file.Write(data.Bytes);
        file.Write([0xAB, 0xCD, 0xEF]);
        file.Write("MaxMind.com"u8);
        file.Write(metadata.Bytes);
        return file.ToArray();
    }

    static void Put24(byte[] b, int p, long v)
    {
        b[p] = (byte)(v >> 16);
        b[p + 1] = (byte)(v >> 8);
        b[p + 2] = (byte)v;
    }

    static void Insert(Node root, byte[] address, int prefix, object data)
    {
        var node = root;
        for (var i = 0; i < prefix; i++)
        {
            var bit = (address[i >> 3] >> (7 - (i & 7))) & 1;
            var last = i == prefix - 1;
            if (last)
            {
                // The whole subtree below takes this network's data (the more specific ones come later).
                if (bit == 0) { node.Zero = null; node.ZeroHas = true; node.ZeroData = data; }
                else { node.One = null; node.OneHas = true; node.OneData = data; }
                return;
            }
            var child = bit == 0 ? node.Zero : node.One;
            if (child is null)
            {
                // Split: a broader network's data (if any) goes to both halves of the new node.
                var has = bit == 0 ? node.ZeroHas : node.OneHas;
                var inherited = bit == 0 ? node.ZeroData : node.OneData;
                child = new Node { ZeroHas = has, ZeroData = inherited, OneHas = has, OneData = inherited };
                if (bit == 0) { node.Zero = child; node.ZeroHas = false; node.ZeroData = null; }
                else { node.One = child; node.OneHas = false; node.OneData = null; }
            }
            node = child;
        }
        throw new ArgumentException("a /0 network is not supported", nameof(prefix));
    }

    /// <summary>The data section encoder. Strings seen before become pointers.</summary>
    sealed class DataSection(bool longPointers, int[] pointers)
    {
        readonly MemoryStream _out = new();
        readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);

        public byte[] Bytes => _out.ToArray();

        /// <summary>Writes a value and returns its offset in the section.</summary>
        public int Write(object value)
        {
            var at = (int)_out.Length;
            Encode(value);
            return at;
        }

        void Encode(object value)
        {
            switch (value)
            {
                case string s when s.Length > 3 && _strings.TryGetValue(s, out var seen):
                    Pointer(seen);
                    break;
                case string s:
                {
                    var at = (int)_out.Length;
                    var bytes = Encoding.UTF8.GetBytes(s);
                    Control(2, bytes.Length);
                    _out.Write(bytes);
                    _strings.TryAdd(s, at);
                    break;
                }
                case double d:
                    Control(3, 8);
                    Span<byte> db = stackalloc byte[8];
                    BinaryPrimitives.WriteDoubleBigEndian(db, d);
                    _out.Write(db);
                    break;
                case float f:
                    Control(15, 4);
                    Span<byte> fb = stackalloc byte[4];
                    BinaryPrimitives.WriteSingleBigEndian(fb, f);
                    _out.Write(fb);
                    break;
                case byte[] raw:
                    Control(4, raw.Length);
                    _out.Write(raw);
                    break;
                case MmdbUInt16 u16:
                    Unsigned(5, u16.Value);
                    break;
                case uint u32:
                    Unsigned(6, u32);
                    break;
                case ulong u64:
                    Unsigned(9, u64);
                    break;
                case int i32:
                {
                    Control(8, 4);
                    Span<byte> ib = stackalloc byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(ib, i32);
                    _out.Write(ib);
                    break;
                }
                case bool b:
                    Control(14, b ? 1 : 0);
                    break;
                case IDictionary<string, object> map:
                    Control(7, map.Count);
                    foreach (var (k, v) in map)
                    {
                        Encode(k);
                        Encode(v);
                    }
                    break;
                case IEnumerable<object> list:
                {
                    var items = list.ToList();
                    Control(11, items.Count);
                    foreach (var item in items) Encode(item);
                    break;
                }
                default:
                    throw new ArgumentException($"cannot encode {value.GetType().Name}");
            }
        }

        void Unsigned(int type, ulong value)
        {
            var size = 0;
            for (var v = value; v != 0; v >>= 8) size++;
            Control(type, size);
            for (var i = size - 1; i >= 0; i--) _out.WriteByte((byte)(value >> (8 * i)));
        }

        void Control(int type, int size)
        {
            var first = type <= 7 ? type << 5 : 0;
            var (sizeBits, extra) = size switch
            {
                < 29 => (size, Array.Empty<byte>()),
                < 285 => (29, [(byte)(size - 29)]),
                < 65821 => (30, [(byte)((size - 285) >> 8), (byte)(size - 285)]),
                _ => (31, new[] { (byte)((size - 65821) >> 16), (byte)((size - 65821) >> 8), (byte)(size - 65821) }),
            };
            _out.WriteByte((byte)(first | sizeBits));
            if (type > 7) _out.WriteByte((byte)(type - 7));
            _out.Write(extra);
        }

        void Pointer(int target)
        {
            if (!longPointers && target < 2048)
            {
                pointers[0]++;
                _out.WriteByte((byte)(0x20 | (target >> 8)));
                _out.WriteByte((byte)target);
            }
            else if (!longPointers && target < 2048 + (1 << 19))
            {
                pointers[1]++;
                var v = target - 2048;
                _out.WriteByte((byte)(0x28 | (v >> 16)));
                _out.WriteByte((byte)(v >> 8));
                _out.WriteByte((byte)v);
            }
            else if (!longPointers && target < 526336 + (1 << 27))
            {
                pointers[2]++;
                var v = target - 526336;
                _out.WriteByte((byte)(0x30 | (v >> 24)));
                _out.WriteByte((byte)(v >> 16));
                _out.WriteByte((byte)(v >> 8));
                _out.WriteByte((byte)v);
            }
            else
            {
                pointers[3]++;
                _out.WriteByte(0x38);
                Span<byte> pb = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(pb, (uint)target);
                _out.Write(pb);
            }
        }
    }
}
