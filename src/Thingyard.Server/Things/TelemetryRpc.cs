// RPC actions that read device telemetry: latest property values (QueryDevicePropertyStatus) and, by time range,
// property history, events and service calls with the platform's NextTime/NextValid continuation.
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Things;

public static class TelemetryRpc
{
    /// <summary>Rows per page for one property, events and service calls (the platform's 1-50).</summary>
    public const int MaxPageSize = 50;
    /// <summary>Rows per property per page of QueryDevicePropertiesData (the platform's 1-100).</summary>
    public const int MaxPropertiesPageSize = 100;
    /// <summary>Properties per QueryDevicePropertiesData call.</summary>
    public const int MaxProperties = 10;

    public static RpcActions AddTelemetryActions(this RpcActions actions) => actions
        .Add("QueryDevicePropertyStatus", QueryDevicePropertyStatus)
        .Add("QueryDevicePropertyData", QueryDevicePropertyData)
        .Add("QueryDevicePropertiesData", QueryDevicePropertiesData)
        .Add("QueryDeviceEventData", QueryDeviceEventData)
        .Add("QueryDeviceServiceData", QueryDeviceServiceData);

    static TelemetryQueries Queries(RpcCall c) => new(c.Service<IDbContextFactory<ThingyardDb>>());

    /// <summary>Every property of the thing model with its latest value; Time and Value are left out until one is reported.</summary>
    static async Task<object> QueryDevicePropertyStatus(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        ThingModel model;
        var functionBlock = c.Optional("FunctionBlockId");
        if (functionBlock is null) model = await c.Service<ModelCache>().GetAsync(device.ProductId);
        else
        {
            // Only the default module carries reported values; other modules list their properties without values.
            var product = await c.Service<DeviceRegistry>().ProductOfAsync(device, c.Ct);
            model = await c.Service<ThingModelStore>().DraftAsync(product, functionBlock, c.Ct);
        }
        var latest = functionBlock is null
            ? (await Queries(c).LatestAsync(device.Id, c.Ct)).ToDictionary(p => p.Identifier, StringComparer.Ordinal)
            : new Dictionary<string, PropertyLatest>();
        return new
        {
            Data = new
            {
                List = new
                {
                    PropertyStatusInfo = model.Properties.Select(p =>
                    {
                        var value = latest.GetValueOrDefault(p.Identifier);
                        return new
                        {
                            DataType = p.DataType.Type,
                            Identifier = functionBlock is null ? p.Identifier : $"{functionBlock}:{p.Identifier}",
                            p.Name,
                            Time = value is null ? null : Ms(value.TimeMs),
                            Unit = p.DataType.Numeric?.Unit,
                            Value = value is null ? null : ValueText(value.Value),
                        };
                    }).ToList(),
                },
            },
        };
    }

    static async Task<object> QueryDevicePropertyData(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var (range, asc, size) = Window(c, MaxPageSize);
        var page = await Queries(c).PropertyAsync(device.Id, c.Required("Identifier"), range, asc, size, c.Ct);
        return new
        {
            Data = new
            {
                List = new { PropertyInfo = page.Rows.Select(r => new { Time = Ms(r.TimeMs), Value = ValueText(r.Value) }).ToList() },
                page.NextTime,
                page.NextValid,
            },
        };
    }

    /// <summary>Answers at the top level (PropertyDataInfos, NextTime, NextValid), unlike its single-property sibling.</summary>
    static async Task<object> QueryDevicePropertiesData(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var identifiers = c.List("Identifier");
        if (identifiers.Count == 0) throw RpcGatewayException.Missing("Identifier.1");
        if (identifiers.Count > MaxProperties) throw IotException.Invalid($"At most {MaxProperties} properties (Identifier.N) per call.");
        var (range, asc, size) = Window(c, MaxPropertiesPageSize);
        var page = await Queries(c).PropertiesAsync(device.Id, identifiers, range, asc, size, c.Ct);
        return new
        {
            PropertyDataInfos = new
            {
                PropertyDataInfo = page.Series.Select(s => new
                {
                    s.Identifier,
                    List = new { PropertyInfo = s.Rows.Select(r => new { Time = r.TimeMs, Value = ValueText(r.Value) }).ToList() },
                }).ToList(),
            },
            page.NextTime,
            page.NextValid,
        };
    }

    static async Task<object> QueryDeviceEventData(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var (range, asc, size) = Window(c, MaxPageSize);
        var eventType = c.Optional("EventType");
        if (eventType is not null && eventType is not (TslEvent.Info or TslEvent.Alert or TslEvent.Error))
            throw IotException.Invalid("EventType must be info, alert or error.");
        var page = await Queries(c).EventsAsync(device.Id, c.Optional("Identifier"), eventType, range, asc, size, c.Ct);
        var model = await c.Service<ModelCache>().GetAsync(device.ProductId);
        return new
        {
            Data = new
            {
                List = new
                {
                    EventInfo = page.Rows.Select(e => new
                    {
                        e.EventType, e.Identifier, Name = model.Event(e.Identifier)?.Name ?? e.Identifier, e.OutputData, Time = Ms(e.TimeMs),
                    }).ToList(),
                },
                page.NextTime,
                page.NextValid,
            },
        };
    }

    /// <summary>Service calls with their input, and their output once the device replied (left out until then).</summary>
    static async Task<object> QueryDeviceServiceData(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var (range, asc, size) = Window(c, MaxPageSize);
        var page = await Queries(c).ServiceCallsAsync(device.Id, c.Optional("Identifier"), range, asc, size, c.Ct);
        var model = await c.Service<ModelCache>().GetAsync(device.ProductId);
        return new
        {
            Data = new
            {
                List = new
                {
                    ServiceInfo = page.Rows.Select(s => new
                    {
                        s.Identifier, s.InputData, Name = model.Service(s.Identifier)?.Name ?? s.Identifier, s.OutputData, Time = Ms(s.TimeMs),
                    }).ToList(),
                },
                page.NextTime,
                page.NextValid,
            },
        };
    }

    /// <summary>StartTime and EndTime (ms, both included, either order), Asc (0 newest first, the default; 1 oldest first)
    /// and PageSize (default 10).</summary>
    static (TimeRange Range, bool Asc, int PageSize) Window(RpcCall c, int maxPageSize)
    {
        var start = c.Long("StartTime") ?? throw RpcGatewayException.Missing("StartTime");
        var end = c.Long("EndTime") ?? throw RpcGatewayException.Missing("EndTime");
        var asc = c.Int("Asc") switch
        {
            null or 0 => false,
            1 => true,
            _ => throw RpcGatewayException.Invalid("Asc", "must be 0 (newest first) or 1 (oldest first)"),
        };
        var size = c.Int("PageSize") ?? 10;
        if (size < 1 || size > maxPageSize)
            throw new IotException(IotErrors.InvalidPageParams, $"PageSize must be between 1 and {maxPageSize}.");
        return (TimeRange.Between(start, end), asc, size);
    }

    static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);

    /// <summary>Values are stored as JSON; the API returns text as-is and anything else as its JSON text ("21.5", "{...}").</summary>
    internal static string ValueText(string json)
    {
        if (json.Length > 0 && json[0] == '"')
        {
            try { return JsonSerializer.Deserialize<string>(json) ?? ""; }
            catch (JsonException) { }
        }
        return json;
    }
}
