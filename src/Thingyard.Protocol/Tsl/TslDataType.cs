// A TSL data type: the type name (int, float, double, text, date, bool, enum, struct, array) and its specs.
namespace Thingyard.Protocol.Tsl;

/// <summary>The TSL type names, as they appear in <c>dataType.type</c>.</summary>
public static class TslTypes
{
    public const string Int = "int";
    public const string Float = "float";
    public const string Double = "double";
    public const string Text = "text";
    public const string Date = "date";
    public const string Bool = "bool";
    public const string Enum = "enum";
    public const string Struct = "struct";
    public const string Array = "array";

    public static bool IsKnown(string type) =>
        type is Int or Float or Double or Text or Date or Bool or Enum or Struct or Array;

    public static bool IsNumeric(string type) => type is Int or Float or Double;
}

/// <summary>
/// A data type. <see cref="Specs"/> is <see cref="TslNumericSpecs"/> for int/float/double, <see cref="TslTextSpecs"/> for text,
/// <see cref="TslEnumSpecs"/> for bool and enum, <see cref="TslStructSpecs"/> for struct, <see cref="TslArraySpecs"/> for array,
/// and null for date.
/// </summary>
public sealed record TslDataType(string Type, TslSpecs? Specs = null)
{
    public TslNumericSpecs? Numeric => Specs as TslNumericSpecs;
    public TslTextSpecs? Text => Specs as TslTextSpecs;
    public TslEnumSpecs? Enum => Specs as TslEnumSpecs;
    public TslStructSpecs? Struct => Specs as TslStructSpecs;
    public TslArraySpecs? Array => Specs as TslArraySpecs;

    public static TslDataType Int(double? min, double? max, double? step = null, string? unit = null, string? unitName = null) =>
        new(TslTypes.Int, new TslNumericSpecs(min, max, step, unit, unitName));

    public static TslDataType Float(double? min, double? max, double? step = null, string? unit = null, string? unitName = null) =>
        new(TslTypes.Float, new TslNumericSpecs(min, max, step, unit, unitName));

    public static TslDataType Double(double? min, double? max, double? step = null, string? unit = null, string? unitName = null) =>
        new(TslTypes.Double, new TslNumericSpecs(min, max, step, unit, unitName));

    public static TslDataType TextOf(int length) => new(TslTypes.Text, new TslTextSpecs(length));

    public static TslDataType Date() => new(TslTypes.Date);

    public static TslDataType Bool(string falseName, string trueName) =>
        new(TslTypes.Bool, new TslEnumSpecs(new Dictionary<int, string> { [0] = falseName, [1] = trueName }));

    public static TslDataType EnumOf(IReadOnlyDictionary<int, string> values) => new(TslTypes.Enum, new TslEnumSpecs(values));

    public static TslDataType StructOf(params TslParam[] members) => new(TslTypes.Struct, new TslStructSpecs(members));

    public static TslDataType ArrayOf(int size, TslDataType item) => new(TslTypes.Array, new TslArraySpecs(size, item));
}
