// A product's mapping to AliGenie (Tmall Genie) device types, attributes and actions, where the standard mapping from
// its category's features is not what the maker wants. Empty fields keep the standard mapping.
using Thingyard.Access;

namespace Thingyard.AliGenie;

public sealed class AliGenieMapping : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    /// <summary>JSON: {"deviceType": "light", "attributes": {"powerstate": {"property": "LightSwitch", "values": {"on": 1, "off": 0}}, ...}}.</summary>
    public required string MappingJson { get; set; }
    public long ModifiedAtMs { get; set; }
}
