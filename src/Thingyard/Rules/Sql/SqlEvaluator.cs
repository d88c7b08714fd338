// Runs a parsed rule against one message: WHERE decides whether it matches, SELECT builds the JSON object the actions
// forward. A field the message lacks is null; a value of the wrong type makes its expression null, never an error.
using System.Text.Json.Nodes;

namespace Thingyard.Rules.Sql;

public static class SqlEvaluator
{
    /// <summary>True when the statement has no WHERE or its WHERE is true for the message.</summary>
    public static bool Matches(SqlStatement s, SqlMessage m) => s.Where is null || Eval(s.Where, m) is true;

    /// <summary>The SELECT's output: * copies the message's fields, each item adds its alias (or its name).</summary>
    public static JsonObject Select(SqlStatement s, SqlMessage m)
    {
        var output = new JsonObject();
        for (var i = 0; i < s.Select.Count; i++)
        {
            var item = s.Select[i];
            if (item.IsStar)
            {
                if (m.Payload is JsonObject all)
                    foreach (var (key, value) in all) output[key] = value?.DeepClone();
                continue;
            }
            var name = item.Alias ?? item.Expr switch
            {
                SqlPath p => p.Name,
                SqlCall c => c.Name,
                _ => $"_{i + 1}",
            };
            output[name] = SqlValues.ToJson(Eval(item.Expr!, m));
        }
        return output;
    }

    public static object? Eval(SqlExpr e, SqlMessage m) => e switch
    {
        SqlLiteral l => l.Value,
        SqlPath p => SqlValues.FromJson(Walk(m.Payload, p)),
        SqlCall c => SqlFunctions.Run(c.Name, m, c.Args.Select(a => Eval(a, m)).ToArray()),
        SqlBinary { Op: SqlOp.And } b => Eval(b.Left, m) is true && Eval(b.Right, m) is true,
        SqlBinary { Op: SqlOp.Or } b => Eval(b.Left, m) is true || Eval(b.Right, m) is true,
        SqlBinary b => Binary(b.Op, Eval(b.Left, m), Eval(b.Right, m)),
        SqlNot n => Eval(n.Operand, m) is bool v ? !v : null,
        SqlNegate n => SqlValues.Number(Eval(n.Operand, m)) is { } d ? -d : null,
        SqlIsNull n => (Eval(n.Operand, m) is null) != n.Negated,
        SqlIn i => In(Eval(i.Operand, m), i.Items.Select(x => Eval(x, m))) is { } found ? found != i.Negated : null,
        SqlLike l => Eval(l.Operand, m) is string s ? l.Pattern.IsMatch(s) != l.Negated : null,
        _ => null,
    };

    static JsonNode? Walk(JsonNode? node, SqlPath path)
    {
        foreach (var level in path.Levels)
        {
            node = (node, level) switch
            {
                (JsonObject o, string key) => o.TryGetPropertyValue(key, out var child) ? child : null,
                (JsonArray a, int index) => index >= 0 && index < a.Count ? a[index] : null,
                _ => null,
            };
            if (node is null) return null;
        }
        return node;
    }

    static object? Binary(SqlOp op, object? l, object? r)
    {
        switch (op)
        {
            case SqlOp.Eq: return SqlValues.Compare(l, r) is { } eq ? eq == 0 : null;
            case SqlOp.NotEq: return SqlValues.Compare(l, r) is { } ne ? ne != 0 : null;
            case SqlOp.Less: return SqlValues.Compare(l, r) is { } lt ? lt < 0 : null;
            case SqlOp.LessOrEq: return SqlValues.Compare(l, r) is { } le ? le <= 0 : null;
            case SqlOp.Greater: return SqlValues.Compare(l, r) is { } gt ? gt > 0 : null;
            case SqlOp.GreaterOrEq: return SqlValues.Compare(l, r) is { } ge ? ge >= 0 : null;
        }
        if (SqlValues.Number(l) is not { } x || SqlValues.Number(r) is not { } y) return null;
        return op switch
        {
            SqlOp.Add => x + y,
            SqlOp.Subtract => x - y,
            SqlOp.Multiply => x * y,
            SqlOp.Divide => y == 0 ? null : x / y,
            SqlOp.Modulo => y == 0 ? null : x % y,
            _ => null,
        };
    }

    static bool? In(object? value, IEnumerable<object?> items)
    {
        if (value is null) return null;
        foreach (var item in items)
            if (SqlValues.Compare(value, item) == 0) return true;
        return false;
    }
}
