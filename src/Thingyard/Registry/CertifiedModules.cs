// The certified module and chip catalogue: the radios a product's devices may be built on, shipped as embedded JSON
// (Registry/CertifiedModules.json) and read once. A product records its choice in Product.ModuleId.
using System.Text.Json;
using Thingyard.Common;

namespace Thingyard.Registry;

/// <param name="NetType">WIFI, CELLULAR or NB-IoT.</param>
/// <param name="Sdk">The device SDKs the module runs.</param>
public sealed record CertifiedModule(string ModuleId, string Vendor, string Model, string NetType, IReadOnlyList<string> Sdk);

public static class CertifiedModules
{
    static readonly Lazy<IReadOnlyList<CertifiedModule>> Loaded = new(Load);

    /// <summary>Every module, in the catalogue's order.</summary>
    public static IReadOnlyList<CertifiedModule> All => Loaded.Value;

    /// <summary>The modules of one network type (ignoring case), or all of them.</summary>
    public static IReadOnlyList<CertifiedModule> List(string? netType) => string.IsNullOrEmpty(netType)
        ? All
        : All.Where(m => string.Equals(m.NetType, netType, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <exception cref="IotException">iot.prod.NotExistedModule for an id not in the catalogue.</exception>
    public static CertifiedModule Get(string moduleId) => All.FirstOrDefault(m => m.ModuleId == moduleId)
        ?? throw new IotException(IotErrors.ModuleNotFound,
            $"The module '{moduleId}' is not a certified module; ListCertifiedModules lists them.");

    static IReadOnlyList<CertifiedModule> Load()
    {
        using var stream = typeof(CertifiedModules).Assembly.GetManifestResourceStream("Thingyard.Registry.CertifiedModules.json")!;
        return JsonSerializer.Deserialize<List<CertifiedModule>>(stream, JsonSerializerOptions.Web)!;
    }
}
