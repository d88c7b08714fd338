// Key/value tags on products and devices (the platform's "ProductTag" and device "Props").
namespace Thingyard.Registry;

public sealed class ProductTag
{
    public long ProductId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}

public sealed class DeviceTag
{
    public long DeviceId { get; set; }
    public required string Key { get; set; }
    public required string Value { get; set; }
}
