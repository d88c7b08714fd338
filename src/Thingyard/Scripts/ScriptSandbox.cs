// Runs data parsing scripts in Jint with no access to .NET (no CLR interop is configured), each run in a fresh
// engine so no global state leaks between messages or products, bounded by ScriptLimits. A script is parsed once
// (CompiledScript) and the parsed form is shared by every run. The function contract is Alibaba's:
//   rawDataToProtocol(bytes)        bytes: an array of numbers -128..127 (Java's signed bytes; scripts mask with & 0xff)
//                                   -> an Alink JSON object
//   protocolToRawData(json)         an Alink JSON object -> an array of numbers -128..255, one per byte
//   transformPayload(topic, bytes)  a custom topic's payload -> a JSON object for the applications
using Acornima;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using Jint.Runtime;

namespace Thingyard.Scripts;

public sealed class CompiledScript
{
    internal CompiledScript(Prepared<Script> prepared, bool decodes, bool encodes, bool transforms)
    {
        Prepared = prepared;
        Decodes = decodes;
        Encodes = encodes;
        Transforms = transforms;
    }

    internal Prepared<Script> Prepared { get; }
    /// <summary>Defines rawDataToProtocol.</summary>
    public bool Decodes { get; }
    /// <summary>Defines protocolToRawData.</summary>
    public bool Encodes { get; }
    /// <summary>Defines transformPayload.</summary>
    public bool Transforms { get; }
}

public static class ScriptSandbox
{
    public const string Decode = "rawDataToProtocol";
    public const string Encode = "protocolToRawData";
    public const string Transform = "transformPayload";

    /// <summary>Parses the script and runs its top level once (to learn which functions it defines).</summary>
    /// <exception cref="ScriptFailedException">Syntax errors, a failing top level, a script over the size limit.</exception>
    public static CompiledScript Compile(string source, ScriptLimits limits)
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(source);
        if (size > limits.MaxScriptBytes)
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Limit, $"the script is {size:N0} bytes; at most {limits.MaxScriptBytes:N0} are allowed"));
        Prepared<Script> prepared;
        try { prepared = Engine.PrepareScript(source, "script"); }
        catch (Exception e) when (e is ScriptPreparationException or ParseErrorException)
        {
            var parse = e as ParseErrorException ?? e.InnerException as ParseErrorException;
            throw new ScriptFailedException(parse is not null
                ? new ScriptFailure(ScriptFailureKind.Syntax, parse.Description, parse.LineNumber, parse.Column + 1)
                : new ScriptFailure(ScriptFailureKind.Syntax, e.Message));
        }
        return Run(limits, engine =>
        {
            engine.Execute(prepared);
            return new CompiledScript(prepared, IsFunction(engine, Decode), IsFunction(engine, Encode), IsFunction(engine, Transform));
        });
    }

    /// <summary>rawDataToProtocol: the device's bytes to the Alink JSON text.</summary>
    public static string RawDataToProtocol(CompiledScript script, ReadOnlySpan<byte> bytes, ScriptLimits limits)
    {
        var input = bytes.ToArray();
        return Run(limits, engine =>
        {
            var fn = Function(engine, script, Decode);
            return ObjectJson(engine, engine.Invoke(fn, SignedBytes(engine, input)), Decode);
        });
    }

    /// <summary>protocolToRawData: an Alink JSON text to the bytes the device gets.</summary>
    public static byte[] ProtocolToRawData(CompiledScript script, string json, ScriptLimits limits) =>
        Run(limits, engine =>
        {
            var fn = Function(engine, script, Encode);
            var input = new JsonParser(engine).Parse(json);
            return Bytes(engine.Invoke(fn, input), Encode);
        });

    /// <summary>transformPayload: a custom topic's payload to the JSON text the applications get.</summary>
    public static string TransformPayload(CompiledScript script, string topic, ReadOnlySpan<byte> payload, ScriptLimits limits)
    {
        var input = payload.ToArray();
        return Run(limits, engine =>
        {
            var fn = Function(engine, script, Transform);
            return ObjectJson(engine, engine.Invoke(fn, topic, SignedBytes(engine, input)), Transform);
        });
    }

    static T Run<T>(ScriptLimits limits, Func<Engine, T> body)
    {
        using var engine = new Engine(o => o
            .LimitMemory(limits.MemoryBytes)
            .TimeoutInterval(TimeSpan.FromMilliseconds(limits.TimeoutMs))
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.RecursionDepth)
            .RegexTimeoutInterval(TimeSpan.FromMilliseconds(limits.TimeoutMs)));
        try { return body(engine); }
        catch (ScriptFailedException) { throw; }
        catch (JavaScriptException e)
        {
            var at = e.Location.Start;
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Runtime, e.Error.IsObject() ? e.Message : $"uncaught {e.Message}",
                at.Line > 0 ? at.Line : null, at.Line > 0 ? at.Column + 1 : null));
        }
        catch (TimeoutException)
        {
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Timeout, $"the script ran longer than {limits.TimeoutMs} ms"));
        }
        catch (MemoryLimitExceededException)
        {
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Memory, $"the script allocated more than {limits.MemoryBytes:N0} bytes"));
        }
        catch (StatementsCountOverflowException)
        {
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Limit, $"the script ran more than {limits.MaxStatements:N0} statements"));
        }
        catch (RecursionDepthOverflowException)
        {
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Limit, $"the script nested calls deeper than {limits.RecursionDepth}"));
        }
        catch (Exception e) when (e is JintException or InvalidOperationException or ArgumentException or OverflowException or InvalidCastException)
        {
            // Engine errors that are not JavaScript exceptions (a value the engine cannot convert, a broken built-in call).
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Runtime, e.Message));
        }
    }

    static bool IsFunction(Engine engine, string name) => engine.GetValue(name) is Jint.Native.Function.Function;

    static JsValue Function(Engine engine, CompiledScript script, string name)
    {
        engine.Execute(script.Prepared);
        var fn = engine.GetValue(name);
        if (fn is not Jint.Native.Function.Function)
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Missing, $"the script defines no function {name}"));
        return fn;
    }

    static JsArray SignedBytes(Engine engine, byte[] bytes)
    {
        var items = new JsValue[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) items[i] = JsNumber.Create((sbyte)bytes[i]);
        return new JsArray(engine, items);
    }

    static string ObjectJson(Engine engine, JsValue result, string function)
    {
        if (result is not ObjectInstance || result is JsArray || result is Jint.Native.Function.Function)
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Shape, $"{function} must return an object; it returned {Describe(result)}"));
        var json = new JsonSerializer(engine).Serialize(result);
        return json.AsString();
    }

    static byte[] Bytes(JsValue result, string function)
    {
        if (result is not ObjectInstance obj || !obj.HasProperty("length") || result is Jint.Native.Function.Function || result.IsString())
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Shape, $"{function} must return an array of bytes; it returned {Describe(result)}"));
        var length = TypeConverter.ToNumber(obj.Get("length"));
        if (length is < 0 or > 1024 * 1024 || double.IsNaN(length))
            throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Shape, $"{function} returned an array of {length} items; at most 1,048,576 bytes"));
        var bytes = new byte[(int)length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var v = obj.Get(i);
            var n = v.IsNumber() ? v.AsNumber() : double.NaN;
            if (double.IsNaN(n) || n != Math.Floor(n) || n < -128 || n > 255)
                throw new ScriptFailedException(new ScriptFailure(ScriptFailureKind.Shape,
                    $"{function} must return integers from -128 to 255; item {i} is {Describe(v)}"));
            bytes[i] = unchecked((byte)(int)n);
        }
        return bytes;
    }

    static string Describe(JsValue v) => v.Type switch
    {
        Types.Undefined => "undefined",
        Types.Null => "null",
        Types.String => $"the string \"{Truncate(v.AsString())}\"",
        Types.Number => $"the number {v}",
        Types.Boolean => $"{v}",
        _ => v is JsArray ? "an array" : v is Jint.Native.Function.Function ? "a function" : "an object",
    };

    static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
