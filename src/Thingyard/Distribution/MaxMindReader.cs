// Reads MaxMind DB files (.mmdb: GeoLite2, DB-IP lite, ...): the binary search tree over address bits and the
// typed data section. Only lookups are supported; the file is read into memory once. Anything the file gets wrong
// (truncated, bad metadata, a pointer or size leading outside the file) is an InvalidDataException.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Thingyard.Distribution;

public sealed class MaxMindReader
{
    static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];
    const int DataSeparator = 16;
    const int MaxDepth = 64;

    readonly byte[] _file;
    readonly int _nodeCount;
    readonly int _recordSize;
    readonly int _ipVersion;
    readonly int _treeSize;
    readonly int _dataStart;
    readonly int _dataEnd;
    readonly int _ipv4Start;

    public IReadOnlyDictionary<string, object?> Metadata { get; }
    public int IpVersion => _ipVersion;
    public int RecordSize => _recordSize;
    public int NodeCount => _nodeCount;
    public string? DatabaseType => Metadata.GetValueOrDefault("database_type") as string;

    public MaxMindReader(byte[] file)
    {
        _file = file;
        var marker = file.AsSpan().LastIndexOf(MetadataMarker);
        if (marker < 0) throw new InvalidDataException("not a MaxMind DB file: metadata marker missing");
        var metaStart = marker + MetadataMarker.Length;
        if (metaStart >= file.Length) throw new InvalidDataException("MaxMind DB metadata missing after its marker");
        Metadata = Guard(() => Decode(metaStart, metaStart, file.Length, 0, out _)) as Dictionary<string, object?>
            ?? throw new InvalidDataException("MaxMind DB metadata is not a map");
        _nodeCount = MetaInt("node_count");
        _recordSize = MetaInt("record_size");
        _ipVersion = MetaInt("ip_version");
        if (_recordSize is not (24 or 28 or 32)) throw new InvalidDataException($"unsupported MaxMind DB record size {_recordSize}");
        if (_ipVersion is not (4 or 6)) throw new InvalidDataException($"unsupported MaxMind DB ip_version {_ipVersion}");
        if (_nodeCount <= 0) throw new InvalidDataException("MaxMind DB search tree has no nodes");
        var treeSize = (long)_recordSize * 2 / 8 * _nodeCount;
        if (treeSize + DataSeparator > marker)
            throw new InvalidDataException($"MaxMind DB search tree ({_nodeCount} nodes) does not fit in the file");
        _treeSize = (int)treeSize;
        if (file.AsSpan(_treeSize, DataSeparator).ContainsAnyExcept((byte)0))
            throw new InvalidDataException("MaxMind DB data section separator missing: node_count or record_size is wrong");
        _dataStart = _treeSize + DataSeparator;
        _dataEnd = marker;
        _ipv4Start = 0;
        if (_ipVersion == 6)
        {
            // IPv4 addresses live under ::/96: follow 96 zero bits once.
            var node = 0;
            for (var i = 0; i < 96 && node < _nodeCount; i++) node = ReadRecord(node, 0);
            _ipv4Start = node;
        }
    }

    public static MaxMindReader Open(string path) => new(File.ReadAllBytes(path));

    int MetaInt(string key)
    {
        var value = Metadata.GetValueOrDefault(key) ?? throw new InvalidDataException($"MaxMind DB metadata lacks {key}");
        return value is ulong n && n <= int.MaxValue ? (int)n
            : value is int i && i >= 0 ? i
            : throw new InvalidDataException($"MaxMind DB metadata {key} is not a valid number");
    }

    /// <summary>The record for an address, or null when the database has none (an IPv6 address in an IPv4 database, say).</summary>
    public object? Find(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && _ipVersion == 4) return null;
        var bytes = address.GetAddressBytes();
        var node = address.AddressFamily == AddressFamily.InterNetwork ? _ipv4Start : 0;
        var bits = bytes.Length * 8;
        for (var i = 0; i < bits && node < _nodeCount; i++)
            node = ReadRecord(node, (bytes[i >> 3] >> (7 - (i & 7))) & 1);
        // node_count itself means "no data"; a value still inside the tree means the tree is deeper than an address.
        if (node <= _nodeCount) return null;
        var offset = (long)node - _nodeCount - DataSeparator;
        if (offset < 0 || _dataStart + offset >= _dataEnd)
            throw new InvalidDataException($"MaxMind DB record {node} points outside the data section");
        return Guard(() => Decode(_dataStart + (int)offset, _dataStart, _dataEnd, 0, out _));
    }

    /// <summary>The coordinates of a city database record: location.latitude/longitude (GeoIP2, GeoLite2, DB-IP's own
    /// files) or top-level latitude/longitude (the ip-location-db files on npm). Null when the address is not placed
    /// or its record cannot be decoded.</summary>
    public (double Latitude, double Longitude)? Locate(IPAddress address)
    {
        object? found;
        try { found = Find(address); }
        catch (InvalidDataException) { return null; }
        if (found is not Dictionary<string, object?> record) return null;
        var place = record.GetValueOrDefault("location") as Dictionary<string, object?> ?? record;
        return Number(place.GetValueOrDefault("latitude")) is { } lat && Number(place.GetValueOrDefault("longitude")) is { } lon
               && lat is >= -90 and <= 90 && lon is >= -180 and <= 180
            ? (lat, lon)
            : null;
    }

    static double? Number(object? value) => value switch
    {
        double d => d,
        float f => f,
        ulong u => u,
        int i => i,
        _ => null,
    };

    int ReadRecord(int node, int bit)
    {
        var b = _file.AsSpan();
        switch (_recordSize)
        {
            case 24:
            {
                var p = node * 6 + bit * 3;
                return (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
            }
            case 28:
            {
                // Two 24-bit halves around a middle byte whose high nibble tops the left record and low nibble the right.
                var p = node * 7;
                return bit == 0
                    ? ((b[p + 3] & 0xF0) << 20) | (b[p] << 16) | (b[p + 1] << 8) | b[p + 2]
                    : ((b[p + 3] & 0x0F) << 24) | (b[p + 4] << 16) | (b[p + 5] << 8) | b[p + 6];
            }
            default:
            {
                var value = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(node * 8 + bit * 4, 4));
                return value <= int.MaxValue ? (int)value : throw new InvalidDataException($"MaxMind DB record {value} is out of range");
            }
        }
    }

    /// <summary>Decoding errors past a bounds check are the file's fault, not the caller's.</summary>
    static object? Guard(Func<object?> decode)
    {
        try { return decode(); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or DecoderFallbackException)
        {
            throw new InvalidDataException($"MaxMind DB data is malformed: {e.Message}", e);
        }
    }

    /// <summary>Decodes the value at <paramref name="pos"/>, which must lie before <paramref name="end"/>; pointers are
    /// relative to <paramref name="pointerBase"/>.</summary>
    object? Decode(int pos, int pointerBase, int end, int depth, out int next)
    {
        if (depth > MaxDepth) throw new InvalidDataException("MaxMind DB data nests too deeply");
        if (pos < 0 || pos >= end) throw new InvalidDataException($"MaxMind DB data offset {pos} is outside its section");
        var ctrl = _file[pos++];
        var type = ctrl >> 5;
        if (type == 1)
        {
            var ss = (ctrl >> 3) & 3;
            var v = ctrl & 7;
            Need(pos, ss + 1, end);
            long target = ss switch
            {
                0 => (v << 8) | _file[pos],
                1 => ((v << 16) | (_file[pos] << 8) | _file[pos + 1]) + 2048L,
                2 => ((v << 24) | (_file[pos] << 16) | (_file[pos + 1] << 8) | _file[pos + 2]) + 526336L,
                _ => BinaryPrimitives.ReadUInt32BigEndian(_file.AsSpan(pos, 4)),
            };
            next = pos + ss + 1;
            var at = pointerBase + target;
            if (at >= end) throw new InvalidDataException($"MaxMind DB pointer {target} leads outside the data section");
            // The format forbids a pointer to a pointer; refusing it also rules out pointer loops.
            if (_file[at] >> 5 == 1) throw new InvalidDataException("MaxMind DB pointer points to another pointer");
            return Decode((int)at, pointerBase, end, depth + 1, out _);
        }
        if (type == 0)
        {
            Need(pos, 1, end);
            type = 7 + _file[pos++];
            if (type < 8) throw new InvalidDataException("MaxMind DB extended type names a basic type");
        }
        var size = ctrl & 0x1F;
        if (type != 14 && size >= 29)
        {
            var extra = size - 28;
            Need(pos, extra, end);
            size = extra switch
            {
                1 => 29 + _file[pos],
                2 => 285 + ((_file[pos] << 8) | _file[pos + 1]),
                _ => 65821 + ((_file[pos] << 16) | (_file[pos + 1] << 8) | _file[pos + 2]),
            };
            pos += extra;
        }
        switch (type)
        {
            case 2:
                Need(pos, size, end);
                next = pos + size;
                return Encoding.UTF8.GetString(_file, pos, size);
            case 3:
                if (size != 8) throw new InvalidDataException($"MaxMind DB double of {size} bytes");
                Need(pos, 8, end);
                next = pos + 8;
                return BinaryPrimitives.ReadDoubleBigEndian(_file.AsSpan(pos, 8));
            case 4:
                Need(pos, size, end);
                next = pos + size;
                return _file.AsSpan(pos, size).ToArray();
            case 5 or 6 or 9:
            {
                var max = type switch { 5 => 2, 6 => 4, _ => 8 };
                if (size > max) throw new InvalidDataException($"MaxMind DB unsigned integer of {size} bytes where {max} is the most");
                Need(pos, size, end);
                ulong value = 0;
                for (var i = 0; i < size; i++) value = (value << 8) | _file[pos + i];
                next = pos + size;
                return value;
            }
            case 10:
            {
                if (size > 16) throw new InvalidDataException($"MaxMind DB uint128 of {size} bytes");
                Need(pos, size, end);
                UInt128 value = 0;
                for (var i = 0; i < size; i++) value = (value << 8) | _file[pos + i];
                next = pos + size;
                return value;
            }
            case 8:
            {
                if (size > 4) throw new InvalidDataException($"MaxMind DB int32 of {size} bytes");
                Need(pos, size, end);
                var value = 0;
                for (var i = 0; i < size; i++) value = (value << 8) | _file[pos + i];
                next = pos + size;
                return value;
            }
            case 7:
            {
                var map = new Dictionary<string, object?>(Math.Min(size, 64), StringComparer.Ordinal);
                for (var i = 0; i < size; i++)
                {
                    var key = Decode(pos, pointerBase, end, depth + 1, out pos) as string
                        ?? throw new InvalidDataException("MaxMind DB map key is not a string");
                    map[key] = Decode(pos, pointerBase, end, depth + 1, out pos);
                }
                next = pos;
                return map;
            }
            case 11:
            {
                var list = new List<object?>(Math.Min(size, 64));
                for (var i = 0; i < size; i++) list.Add(Decode(pos, pointerBase, end, depth + 1, out pos));
                next = pos;
                return list;
            }
            case 14:
                if (size > 1) throw new InvalidDataException($"MaxMind DB boolean with value {size}");
                next = pos;
                return size != 0;
            case 15:
                if (size != 4) throw new InvalidDataException($"MaxMind DB float of {size} bytes");
                Need(pos, 4, end);
                next = pos + 4;
                return BinaryPrimitives.ReadSingleBigEndian(_file.AsSpan(pos, 4));
            default:
                throw new InvalidDataException($"MaxMind DB data of unknown type {type}");
        }
    }

    static void Need(int pos, int count, int end)
    {
        if ((long)pos + count > end) throw new InvalidDataException("MaxMind DB data runs past the end of its section");
    }
}
