// RPC actions of the rules engine with the platform's parameters and response shapes: rules (CreateRule, UpdateRule,
// GetRule, ListRule, DeleteRule, StartRule, StopRule) and their actions (CreateRuleAction, UpdateRuleAction,
// GetRuleAction, ListRuleActions, DeleteRuleAction); TestRule (Thingyard's) runs a statement on a sample message, as the
// console's debugging panel does. RuleInfo also carries the rule's counts (MatchedCount, ForwardedCount, FailedCount).
using System.Text;
using System.Text.Json.Nodes;
using Thingyard.Common;
using Thingyard.Rules;
using Thingyard.Rules.Sql;
using Thingyard.Server.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Rules;

public static class RuleRpc
{
    public static RpcActions AddRuleActions(this RpcActions actions) => actions
        .Add("CreateRule", Create)
        .Add("UpdateRule", Update)
        .Add("GetRule", Get)
        .Add("ListRule", List)
        .Add("DeleteRule", Delete)
        .Add("StartRule", c => SetRunning(c, true))
        .Add("StopRule", c => SetRunning(c, false))
        .Add("CreateRuleAction", CreateAction)
        .Add("UpdateRuleAction", UpdateAction)
        .Add("GetRuleAction", GetAction)
        .Add("ListRuleActions", ListActions)
        .Add("DeleteRuleAction", DeleteAction)
        .Add("TestRule", Test);

    static RuleRegistry Rules(RpcCall c) => c.Service<RuleRegistry>();

    static long Id(RpcCall c, string name) => c.Long(name) ?? throw RpcGatewayException.Missing(name);

    static RuleFields Fields(RpcCall c) => new(c.Optional("Name"), c.Optional("ProductKey"), c.Int("TopicType"), c.Optional("ShortTopic"),
        c.Optional("Topic"), c.Optional("Select"), c.Optional("Where"), c.Optional("DataType"), c.Optional("RuleDesc"));

    static async Task<object> Create(RpcCall c)
    {
        var rule = await Rules(c).CreateAsync(c.Caller, Fields(c) with { Name = c.Required("Name") }, c.Ct);
        return new { RuleId = rule.Id };
    }

    static async Task<object> Update(RpcCall c)
    {
        await Rules(c).UpdateAsync(c.Caller, Id(c, "RuleId"), Fields(c), c.Ct);
        return new { };
    }

    static async Task<object> Get(RpcCall c) => new { RuleInfo = Info(c, await Rules(c).GetAsync(c.Caller, Id(c, "RuleId"), c.Ct)) };

    static async Task<object> List(RpcCall c)
    {
        var page = await Rules(c).ListAsync(c.Caller, c.Optional("SearchName"), c.Paging(10, 100), c.Ct);
        return new { Data = new { RuleInfo = page.Items.Select(r => Info(c, r)) }, Page = page.Paging.Page, page.Paging.PageSize, page.Total };
    }

    static async Task<object> Delete(RpcCall c)
    {
        await Rules(c).DeleteAsync(c.Caller, Id(c, "RuleId"), c.Ct);
        return new { };
    }

    static async Task<object> SetRunning(RpcCall c, bool running)
    {
        await Rules(c).SetRunningAsync(c.Caller, Id(c, "RuleId"), running, c.Ct);
        return new { };
    }

    static async Task<object> CreateAction(RpcCall c)
    {
        var action = await Rules(c).CreateActionAsync(c.Caller, Id(c, "RuleId"), c.Required("Type"), c.Required("Configuration"), c.Bool("ErrorActionFlag") ?? false, c.Ct);
        return new { ActionId = action.Id };
    }

    static async Task<object> UpdateAction(RpcCall c)
    {
        await Rules(c).UpdateActionAsync(c.Caller, Id(c, "ActionId"), c.Required("Type"), c.Required("Configuration"), c.Ct);
        return new { };
    }

    static async Task<object> GetAction(RpcCall c) => new { RuleActionInfo = ActionInfo(await Rules(c).GetActionAsync(c.Caller, Id(c, "ActionId"), c.Ct)) };

    static async Task<object> ListActions(RpcCall c) =>
        new { RuleActionList = new { RuleActionInfo = (await Rules(c).ListActionsAsync(c.Caller, Id(c, "RuleId"), c.Ct)).Select(ActionInfo) } };

    static async Task<object> DeleteAction(RpcCall c)
    {
        await Rules(c).DeleteActionAsync(c.Caller, Id(c, "ActionId"), c.Ct);
        return new { };
    }

    /// <summary>Runs Select/Where (or a saved rule's) on Payload as if it came on MessageTopic (default: the rule's topic
    /// with + and # filled in by the sample device "device1"). Nothing is forwarded.</summary>
    static async Task<object> Test(RpcCall c)
    {
        string select, topic;
        string? where;
        if (c.Long("RuleId") is { } ruleId)
        {
            var rule = await Rules(c).GetAsync(c.Caller, ruleId, c.Ct);
            (select, topic, where) = (c.Optional("Select") ?? rule.Select ?? "*", rule.Topic, c.Optional("Where") ?? rule.Where);
        }
        else (select, topic, where) = (c.Required("Select"), c.Optional("Topic") ?? "/sys/+/+/thing/event/property/post", c.Optional("Where"));
        var statement = RuleRegistry.CheckSql(select, topic, string.IsNullOrWhiteSpace(where) ? null : where);
        var messageTopic = c.Optional("MessageTopic") ?? string.Join('/', topic.Split('/').Select((l, i) => l switch { "+" => i == 2 ? "pk" : "device1", "#" => "data", _ => l }));
        JsonNode? payload;
        try { payload = JsonNode.Parse(c.Required("Payload")); }
        catch (System.Text.Json.JsonException e) { throw IotException.Invalid($"Payload is not JSON: {e.Message}"); }
        var levels = messageTopic.TrimStart('/').Split('/');
        var (pk, dn) = levels is ["sys", var p, var d, ..] ? (p, d) : levels is ["as", "mqtt", "status", var p2, var d2] ? (p2, d2) : levels.Length > 1 ? (levels[0], levels[1]) : ("", "");
        var message = new SqlMessage(messageTopic, payload, pk, dn, "1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var topicMatches = RuleTopics.Matches(topic.Split('/'), messageTopic.Split('/'));
        var matched = topicMatches && SqlEvaluator.Matches(statement, message);
        return new
        {
            Sql = Rule.ComposeSql(select, topic, where), TopicMatched = topicMatches, Matched = matched,
            Output = matched ? SqlEvaluator.Select(statement, message).ToJsonString() : null,
        };
    }

    static object Info(RpcCall c, Rule r)
    {
        var (matched, forwarded, failed, error, errorAt) = c.Service<RuleCounters>().Unwritten(r.Id);
        // The newer of the stored error and the one not yet written; the row itself is left as read.
        var (lastError, lastErrorAt) = errorAt > r.LastErrorAtMs ? (error, errorAt) : (r.LastError, r.LastErrorAtMs);
        return new
        {
            r.Id, r.Name, r.ProductKey, r.ShortTopic, r.Topic, r.TopicType, r.Select, r.Where, r.DataType, RuleDesc = r.Description,
            Status = r.Status == RuleStatus.Running ? "RUNNING" : "STOP", CreateUserId = r.AccountId,
            Created = RpcTime.JavaDate(r.CreatedAtMs), Modified = RpcTime.JavaDate(r.ModifiedAtMs),
            UtcCreated = RpcTime.Utc(r.CreatedAtMs), UtcModified = RpcTime.Utc(r.ModifiedAtMs),
            Sql = r.Select is null ? null : r.Sql,
            MatchedCount = r.MatchedCount + matched, ForwardedCount = r.ForwardedCount + forwarded, FailedCount = r.FailedCount + failed,
            LastError = lastError, UtcLastError = lastErrorAt > 0 ? RpcTime.Utc(lastErrorAt) : null,
        };
    }

    static object ActionInfo(RuleAction a) => new { a.Id, a.RuleId, a.Type, a.Configuration, a.ErrorActionFlag, Status = "valid" };
}
