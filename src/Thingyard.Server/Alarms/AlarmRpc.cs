// RPC actions for alarms. Alibaba's IoT Platform publishes no OpenAPI for alarms, so these follow its naming and the
// platform's envelope: rules (CreateAlarmRule, UpdateAlarmRule, GetAlarmRule, ListAlarmRules, DeleteAlarmRule,
// EnableAlarmRule, DisableAlarmRule) and alarms (QueryAlarmList, AcknowledgeAlarm, ClearAlarm, QueryAlarmHistory).
using Thingyard.Alarms;
using Thingyard.Server.Registry;
using Thingyard.Server.Rpc;
using Thingyard.Server.Webhooks;
using Thingyard.Common;

namespace Thingyard.Server.Alarms;

public static class AlarmRpc
{
    public static RpcActions AddAlarmActions(this RpcActions actions) => actions
        .Add("CreateAlarmRule", CreateRule)
        .Add("UpdateAlarmRule", UpdateRule)
        .Add("GetAlarmRule", GetRule)
        .Add("ListAlarmRules", ListRules)
        .Add("DeleteAlarmRule", DeleteRule)
        .Add("EnableAlarmRule", c => SetEnabled(c, true))
        .Add("DisableAlarmRule", c => SetEnabled(c, false))
        .Add("QueryAlarmList", QueryAlarms)
        .Add("AcknowledgeAlarm", Acknowledge)
        .Add("ClearAlarm", Clear)
        .Add("QueryAlarmHistory", History);

    static async Task<object> CreateRule(RpcCall c)
    {
        var rules = c.Service<AlarmRules>();
        var rule = await rules.CreateAsync(c.Caller, c.Required("ProductKey"), Spec(c) with { Name = c.Required("Name") }, c.Ct);
        if (c.Bool("Enabled") == false) rule = await rules.SetEnabledAsync(c.Caller, rule.Id, false, c.Ct);
        return new { RuleId = rule.Id, Data = RuleInfo(rule) };
    }

    static async Task<object> UpdateRule(RpcCall c)
    {
        var rule = await c.Service<AlarmRules>().UpdateAsync(c.Caller, RuleId(c), Spec(c), c.Ct);
        return new { Data = RuleInfo(rule) };
    }

    static async Task<object> GetRule(RpcCall c) => new { Data = RuleInfo(await c.Service<AlarmRules>().GetAsync(c.Caller, RuleId(c), c.Ct)) };

    static async Task<object> ListRules(RpcCall c)
    {
        var page = await c.Service<AlarmRules>().ListAsync(c.Caller, c.Optional("ProductKey"), c.Paging(10, 100), c.Ct);
        return new
        {
            CurrentPage = page.Paging.Page, PageSize = page.Paging.PageSize, page.PageCount, page.Total,
            Data = new { RuleInfo = page.Items.Select(RuleInfo) },
        };
    }

    static async Task<object> DeleteRule(RpcCall c)
    {
        await c.Service<AlarmRules>().DeleteAsync(c.Caller, RuleId(c), c.Ct);
        return new { };
    }

    static async Task<object> SetEnabled(RpcCall c, bool enabled)
    {
        await c.Service<AlarmRules>().SetEnabledAsync(c.Caller, RuleId(c), enabled, c.Ct);
        return new { };
    }

    static async Task<object> QueryAlarms(RpcCall c)
    {
        var filter = new AlarmFilter(AlarmText.State(c.Optional("State")), AlarmText.Severity(c.Optional("Severity")), c.Optional("ProductKey"),
            c.Optional("DeviceName"), c.Long("RuleId"), c.Bool("OpenOnly") ?? false);
        var page = await c.Service<AlarmLog>().QueryAsync(c.Caller, filter, c.Paging(10, 100), c.Ct);
        return new
        {
            CurrentPage = page.Paging.Page, PageSize = page.Paging.PageSize, page.PageCount, page.Total,
            Data = new { AlarmInfo = page.Items.Select(AlarmInfo) },
        };
    }

    static async Task<object> Acknowledge(RpcCall c)
    {
        var alarm = await c.Service<AlarmLog>().AcknowledgeAsync(c.Caller, c.Long("AlarmId") ?? throw RpcGatewayException.Missing("AlarmId"), c.Actor, c.Optional("Note"), c.Ct);
        return new { Data = AlarmInfo(alarm) };
    }

    static async Task<object> Clear(RpcCall c)
    {
        var alarm = await c.Service<AlarmLog>().ClearAsync(c.Caller, c.Long("AlarmId") ?? throw RpcGatewayException.Missing("AlarmId"), c.Actor, c.Optional("Note"), c.Ct);
        return new { Data = AlarmInfo(alarm) };
    }

    static async Task<object> History(RpcCall c)
    {
        var page = await c.Service<AlarmLog>().HistoryAsync(c.Caller, c.Long("AlarmId"), c.Paging(20, 200), c.Ct);
        return new
        {
            CurrentPage = page.Paging.Page, PageSize = page.Paging.PageSize, page.PageCount, page.Total,
            Data = new
            {
                AlarmHistoryInfo = page.Items.Select(h => new
                {
                    AlarmId = h.Entry.AlarmId, h.Alarm.RuleName, h.Alarm.ProductKey, h.Alarm.DeviceName, State = AlarmText.Name(h.Entry.State),
                    Time = RpcTime.Utc(h.Entry.AtMs), Operator = h.Entry.By, h.Entry.Note,
                }),
            },
        };
    }

    static long RuleId(RpcCall c) => c.Long("RuleId") ?? throw RpcGatewayException.Missing("RuleId");

    /// <summary>The fields given; list parameters given with only empty values empty the list.</summary>
    static AlarmRuleSpec Spec(RpcCall c) => new()
    {
        Name = c.Optional("Name"),
        Description = c.Request.Params.ContainsKey("Description") ? c.Request.Params["Description"] : null,
        Severity = AlarmText.Severity(c.Optional("Severity")),
        DeviceName = c.Request.Params.TryGetValue("DeviceName", out var dn) ? dn : null,
        DeviceGroupId = c.Request.Params.TryGetValue("DeviceGroupId", out var g) ? g : null,
        TriggerKind = AlarmText.Trigger(c.Optional("TriggerType")),
        Identifier = c.Request.Params.TryGetValue("Identifier", out var id) ? id : null,
        Operator = AlarmText.Operator(c.Optional("Operator")),
        Threshold = AlarmText.Number(c.Optional("Threshold"), "Threshold"),
        ConsecutiveCount = c.Int("ConsecutiveCount"),
        ClearAfterSeconds = c.Int("ClearAfterSeconds"),
        WebhookUrls = Targets(c, "WebhookUrls"),
        EmailAddresses = Targets(c, "EmailAddresses"),
        WebhookToken = c.Request.Params.TryGetValue("WebhookToken", out var token) ? token : null,
    };

    static List<string>? Targets(RpcCall c, string name)
    {
        var given = c.List(name);
        if (given.Count == 0) return null;
        var targets = given.Where(v => v.Length > 0).Select(v => v.Trim()).ToList();
        // The outbox's own rule (https only unless Thingyard:Webhooks:AllowHttp), so a rule never names a URL it will not post to.
        if (name == "WebhookUrls")
            foreach (var url in targets)
                if (c.Service<WebhookOutbox>().CheckUrl(url) is { } bad) throw IotException.Invalid($"WebhookUrls: '{url}': {bad}.");
        return targets;
    }


    static object RuleInfo(AlarmRule r) => new
    {
        RuleId = r.Id, r.Name, r.Description, r.ProductKey, Severity = AlarmText.Name(r.Severity), Status = r.Enabled ? "RUNNING" : "STOPPED",
        r.Enabled, r.DeviceName, r.DeviceGroupId, TriggerType = AlarmText.Name(r.TriggerKind), r.Identifier, r.Operator,
        Threshold = r.TriggerKind == AlarmTriggerKind.Property ? r.Threshold : (double?)null, r.ConsecutiveCount, r.ClearAfterSeconds,
        r.WebhookUrls, HasWebhookToken = r.WebhookToken is not null, r.EmailAddresses, GmtCreate = RpcTime.Utc(r.CreatedAtMs), GmtModified = RpcTime.Utc(r.UpdatedAtMs),
    };

    internal static object AlarmInfo(Alarm a) => new
    {
        AlarmId = a.Id, a.RuleId, a.RuleName, a.ProductKey, a.DeviceName, a.IotId, Severity = AlarmText.Name(a.Severity),
        State = AlarmText.Name(a.State), TriggerType = AlarmText.Name(a.TriggerKind), a.Identifier, Value = a.LastValue, a.Count,
        FirstTime = RpcTime.Utc(a.FirstAtMs), LastTime = RpcTime.Utc(a.LastAtMs), a.AcknowledgedBy, AcknowledgedTime = RpcTime.Utc(a.AcknowledgedAtMs),
        a.AcknowledgeNote, a.ClearedBy, ClearedTime = RpcTime.Utc(a.ClearedAtMs), a.ClearNote,
    };
}
