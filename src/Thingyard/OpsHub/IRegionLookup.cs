// Where an address is, as a region name for the hub's breakdown; the server answers it with its IP location database.
namespace Thingyard.OpsHub;

public interface IRegionLookup
{
    /// <summary>The region's name (a country code), or <see cref="Unknown"/>.</summary>
    string RegionOf(string? address);

    public const string Unknown = "unknown";
}
