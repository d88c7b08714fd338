// The MQTT CONNECT of a device that proves itself with its ID² (Thingyard's choice where the C Link SDK uses Alibaba's
// unpublished iTLS handshake; docs/id2.md): client id "{pk}.{dn}|timestamp={ms},_ss=1,securemode={2|3},authtype=id2,
// id2={ID²}|", username "{dn}&{pk}", password the timestamp auth code of that timestamp with the username as extra.
using System.Globalization;
using System.Text;
using Thingyard.Protocol.Signing;

namespace Thingyard.Protocol.Id2;

public static class Id2Credentials
{
    public static MqttCredentials Create(string productKey, string deviceName, Id2Client client, long timestampMs, bool tls = false)
    {
        var username = $"{deviceName}&{productKey}";
        var stamp = timestampMs.ToString(CultureInfo.InvariantCulture);
        var clientId = $"{productKey}.{deviceName}|timestamp={stamp},_ss=1,securemode={(tls ? 2 : 3)},authtype=id2,id2={client.Id2}|";
        return new MqttCredentials(clientId, username, client.TimestampAuthCode(timestampMs, Encoding.UTF8.GetBytes(username)));
    }
}
