// Reads MaxMind DB files (.mmdb: GeoLite2, DB-IP lite, ...): the binary search tree over address bits and the
// typed data section. Only lookups are supported; the file is read into memory once.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Thingyard.Distribution;

public sealed class MaxMindReader
{
    static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    readonly byte[] _file;
    readonly int _nodeCount;
    readonly int _recordSize;
    readonly int _ipVersion;
    readonly int _treeSize;
    readonly int _dataStart;
    readonly int _ipv4Start;

    public IReadOnlyDictionary<string, object?> Metadata { get; }

    public MaxMindReader(byte[] file)
    {
        _file = file;
        var marker = file.AsSpan().LastIndexOf(MetadataMarker);
        if (marker < 0) throw new InvalidDataException("not a MaxMind DB file: metadata marker missing");
        var metaStart = marker + MetadataMarker.Length;
        Metadata = Decode(metaStart, metaStart, out _) as Dictionary<string, object?> ?? throw new InvalidDataException("metadata is not a map");
        _nodeCount = (int)Convert.ToInt64(Metadata["node_count"]);
        _recordSize = (int)Convert.ToInt64(Metadata["record_size"]);
        _ipVersion = (int)Convert.ToInt64(Metadata["ip_version"]);
        if (_recordSize is not (24 or 28 or 32)) throw new InvalidDataException($"unsupported record size {_recordSize}");
        _treeSize = _recordSize * 2 / 8 * _nodeCount;
        _dataStart = _treeSize + 16;
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

    /// <summary>The record for an address, or null when the database has none.</summary>
    public object? Find(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && _ipVersion == 4) return null;
        var node = address.AddressFamily == AddressFamily.InterNetwork ? _ipv4Start : 0;
        var bits = bytes.Length * 8;
        for (var i = 0; i < bits && node < _nodeCount; i++)
            node = ReadRecord(node, (bytes[i >> 3] >> (7 - (i & 7))) & 1);
        if (node == _nodeCount || node < _nodeCount) return null;
        var offset = node - _nodeCount - 16;
        return Decode(_dataStart + offset, _dataStart, out _);
    }

    /// <summary>location.latitude / location.longitude of a city database record.</summary>
    public (double Latitude, double Longitude)? Locate(IPAddress address)
    {
        if (Find(address) is not Dictionary<string, object?> record || record.GetValueOrDefault("location") is not Dictionary<string, object?> location)
            return null;
        if (location.GetValueOrDefault("latitude") is not { } lat || location.GetValueOrDefault("longitude") is not { } lon) return null;
        return (Convert.ToDouble(lat), Convert.ToDouble(lon));
    }

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
                var p = node * 7;
                return bit == 0
                    ? ((b[p + 3] & 0xF0) << 20) | (b[p] << 16) | (b[p + 1] << 8) | b[p + 2]
                    : ((b[p + 3] & 0x0F) << 24) | (b[p + 4] << 16) | (b[p + 5] << 8) | b[p + 6];
            }
            default:
                return (int)BinaryPrimitives.ReadUInt32BigEndian(b.Slice(node * 8 + bit * 4, 4));
        }
    }

    /// <summary>Decodes the value at <paramref name="pos"/>; pointers are relative to <paramref name="pointerBase"/>.</summary>
    object? Decode(int pos, int pointerBase, out int next)
    {
        var ctrl = _file[pos++];
        var type = ctrl >> 5;
        if (type == 1)
        {
            var ss = (ctrl >> 3) & 3;
            var v = ctrl & 7;
            int target = ss switch
            {
                0 => (v << 8) | _file[pos],
                1 => ((v << 16) | (_file[pos] << 8) | _file[pos + 1]) + 2048,
                2 => ((v << 24) | (_file[pos] << 16) | (_file[pos + 1] << 8) | _file[pos + 2]) + 526336,
                _ => (int)BinaryPrimitives.ReadUInt32BigEndian(_file.AsSpan(pos, 4)),
            };
            next = pos + ss + 1;
            return Decode(pointerBase + target, pointerBase, out _);
        }
        if (type == 0) type = 7 + _file[pos++];
        var size = ctrl & 0x1F;
        if (type != 14 && size >= 29)
        {
            var marker = size;
            size = marker switch
            {
                29 => 29 + _file[pos],
                30 => 285 + ((_file[pos] << 8) | _file[pos + 1]),
                _ => 65821 + ((_file[pos] << 16) | (_file[pos + 1] << 8) | _file[pos + 2]),
            };
            pos += marker - 28;
        }
        switch (type)
        {
            case 2:
                next = pos + size;
                return Encoding.UTF8.GetString(_file, pos, size);
            case 3:
                next = pos + 8;
                return BinaryPrimitives.ReadDoubleBigEndian(_file.AsSpan(pos, 8));
            case 4:
                next = pos + size;
                return _file.AsSpan(pos, size).ToArray();
            case 5 or 6 or 9 or 10:
            {
                ulong value = 0;
                for (var i = 0; i < size && i < 8; i++) value = (value << 8) | _file[pos + size - Math.Min(size, 8) + i];
                next = pos + size;
                return value;
            }
            case 8:
            {
                var value = 0;
                for (var i = 0; i < size; i++) value = (value << 8) | _file[pos + i];
                next = pos + size;
                return value;
            }
            case 7:
            {
                var map = new Dictionary<string, object?>(size, StringComparer.Ordinal);
                for (var i = 0; i < size; i++)
                {
                    var key = Decode(pos, pointerBase, out pos) as string ?? "";
                    map[key] = Decode(pos, pointerBase, out pos);
                }
                next = pos;
                return map;
            }
            case 11:
            {
                var list = new List<object?>(size);
                for (var i = 0; i < size; i++) list.Add(Decode(pos, pointerBase, out pos));
                next = pos;
                return list;
            }
            case 14:
                next = pos;
                return size != 0;
            case 15:
                next = pos + 4;
                return BinaryPrimitives.ReadSingleBigEndian(_file.AsSpan(pos, 4));
            default:
                next = pos + size;
                return null;
        }
    }
}
