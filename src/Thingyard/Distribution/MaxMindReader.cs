// Places an address with a MaxMind DB file (.mmdb: GeoLite2, DB-IP lite, ...), read by the MaxMind.Db package into
// memory once. This class only knows where the coordinates and the country are in the two record shapes we meet, and
// turns a file the library cannot read into an InvalidDataException.
using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Thingyard.Distribution;

public sealed class MaxMindReader : IDisposable
{
    readonly Reader _reader;

    public Metadata Metadata => _reader.Metadata;

    /// <summary>Reads a database held in memory (tests build small ones).</summary>
    public MaxMindReader(byte[] file) : this(() => new Reader(new MemoryStream(file, writable: false))) { }

    MaxMindReader(Func<Reader> open)
    {
        try { _reader = open(); }
        catch (Exception e) when (e is InvalidDatabaseException or DeserializationException or ArgumentException)
        {
            throw new InvalidDataException($"not a readable MaxMind DB file: {e.Message}", e);
        }
    }

    /// <summary>Reads the file into memory: replacing or truncating it later does not affect this reader.</summary>
    public static MaxMindReader Open(string path) => new(() => new Reader(path, FileAccessMode.Memory));

    /// <summary>The record for an address, or null when the database has none (an IPv6 address in an IPv4 database, say).</summary>
    public Dictionary<string, object>? Find(IPAddress address) => Lookup<Dictionary<string, object>>(address);

    /// <summary>The coordinates of a city database record: location.latitude/longitude (GeoIP2, GeoLite2, DB-IP's own
    /// files) or top-level latitude/longitude (the ip-location-db files on npm). Null when the address is not placed
    /// or its record cannot be decoded.</summary>
    public (double Latitude, double Longitude)? Locate(IPAddress address)
    {
        Place? found;
        try { found = Lookup<Place>(address); }
        catch (InvalidDataException) { return null; }
        if (found is null) return null;
        var (lat, lon) = found.Location is { } at ? (at.Latitude, at.Longitude) : (found.Latitude, found.Longitude);
        return Number(lat) is { } la && Number(lon) is { } lo && la is >= -90 and <= 90 && lo is >= -180 and <= 180 ? (la, lo) : null;
    }

    /// <summary>The country code of an address (country.iso_code in MaxMind's and DB-IP's files, country_code in
    /// ip-location-db's); null when the address is not placed or the record has none.</summary>
    public string? Country(IPAddress address)
    {
        Place? found;
        try { found = Lookup<Place>(address); }
        catch (InvalidDataException) { return null; }
        return found?.CountryRecord?.IsoCode ?? found?.CountryCode;
    }

    T? Lookup<T>(IPAddress address) where T : class
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Metadata.IPVersion == 4) return null;
        try { return _reader.Find<T>(address); }
        catch (Exception e) when (e is InvalidDatabaseException or DeserializationException or InvalidCastException)
        {
            throw new InvalidDataException($"MaxMind DB record for {address} is malformed: {e.Message}", e);
        }
    }

    // Coordinates are doubles in MaxMind's own files and floats in ip-location-db's; the model takes either.
    static double? Number(object? value) => value switch
    {
        double d => d,
        float f => f,
        _ => null,
    };

    public void Dispose() => _reader.Dispose();

    /// <summary>Only the coordinates of a record are decoded; everything else in it is skipped.</summary>
    internal sealed class Place
    {
        [MapKey("location")] public Coordinates? Location { get; init; }
        [MapKey("latitude")] public object? Latitude { get; init; }
        [MapKey("longitude")] public object? Longitude { get; init; }
        [MapKey("country")] public CountryName? CountryRecord { get; init; }
        [MapKey("country_code")] public string? CountryCode { get; init; }
    }

    internal sealed class CountryName
    {
        [MapKey("iso_code")] public string? IsoCode { get; init; }
    }

    internal sealed class Coordinates
    {
        [MapKey("latitude")] public object? Latitude { get; init; }
        [MapKey("longitude")] public object? Longitude { get; init; }
    }
}
