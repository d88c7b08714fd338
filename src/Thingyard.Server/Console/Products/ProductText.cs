// How the product pages name the platform's numbers and codes.
namespace Thingyard.Server.Console.Products;

public static class ProductText
{
    public static string NodeType(int nodeType) => nodeType == 1 ? "Gateway" : "Device";

    public static string DataFormat(int dataFormat) => dataFormat == 0 ? "Custom" : "Alink JSON";

    public static string AuthType(string? authType) => authType switch
    {
        "id2" => "ID²",
        "x509" => "X.509 certificate",
        _ => "Device secret",
    };

    /// <summary>QueryProduct's NetType number: 3 WIFI, 6 CELLULAR, 7 ETHERNET, 8 OTHER, 9 LORA.</summary>
    public static string NetType(int netType) => netType switch
    {
        6 => "Cellular", 7 => "Ethernet", 8 => "Other", 9 => "LoRa", _ => "Wi-Fi",
    };
}
