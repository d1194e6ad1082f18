using System;
using System.Globalization;
using System.Text;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;
using static EbpfPs.Engine.Btf.BtfImage;

namespace EbpfPs.Engine.Validation;

/// <summary>
/// What the BTF types say about each other: every name offset is a string, every referenced type id exists
/// and is of a kind that may be referenced there, and no chain of references loops. libbpf 1.1 follows
/// these ids without looking (an id past the end is a NULL it dereferences; a typedef that names itself is
/// a loop it never leaves); libbpf 1.3 and the kernel check the same things.
/// </summary>
internal sealed class BtfValidator
{
    private const uint NoComponent = 0xffffffff;
    private const string Linkages = "only static (0), global (1) and extern (2) exist";

    private readonly BtfImage _btf;
    private readonly string _where;

    private BtfValidator(BtfImage btf, string where)
    {
        _btf = btf;
        _where = where;
    }

    public static void Check(BtfImage btf, string where)
    {
        var v = new BtfValidator(btf, where);
        for (int id = 1; id <= btf.Count; id++)
            v.CheckType(id);
        // Tags look into their target's members, so they wait until every target has been checked.
        for (int id = 1; id <= btf.Count; id++)
            if (btf.Kind(id) == BtfKind.DeclTag)
                v.CheckDeclTag(id);
        v.CheckContainmentLoops();
        v.CheckPointerLoops();
        v.CheckKconfigVariables();
    }

    private void CheckType(int id)
    {
        BtfImage btf = _btf;
        BtfKind kind = btf.Kind(id);
        int vlen = btf.Vlen(id);
        Name(id, btf.NameOffset(id), "name");
        bool membered = kind is BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64
            or BtfKind.FuncProto or BtfKind.Datasec
            or BtfKind.Func;
        if (!membered && vlen != 0)
            throw Bad(id, $"has vlen {vlen}, but {KindName(kind)} types have no members");
        switch (kind)
        {
            case BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                or BtfKind.TypeTag:
                Ref(id, btf.SizeOrType(id), "target", voidOk: true);
                break;
            case BtfKind.Array:
                Ref(id, btf.Tail(id, 0), "element type");
                Ref(id, btf.Tail(id, 1), "index type");
                break;
            case BtfKind.Struct or BtfKind.Union:
                for (int m = 0; m < vlen; m++)
                {
                    Name(id, btf.Tail(id, 3 * m), "member #{0} name", m);
                    Ref(id, btf.Tail(id, 3 * m + 1), "member #{0}", m);
                }
                break;
            case BtfKind.Enum or BtfKind.Enum64:
                int stride = kind == BtfKind.Enum ? 2 : 3;
                for (int m = 0; m < vlen; m++)
                    Name(id, btf.Tail(id, stride * m), "enumerator #{0} name", m);
                break;
            case BtfKind.Func:
                if (vlen > 2)
                    throw Bad(id, $"has linkage {vlen}; {Linkages}");
                int proto = Ref(id, btf.SizeOrType(id), "prototype", anyKind: true);
                if (btf.Kind(proto) != BtfKind.FuncProto)
                    throw Bad(id, $"has type [{proto}] ({KindName(btf.Kind(proto))}) as prototype, not a FUNC_PROTO");
                break;
            case BtfKind.FuncProto:
                Ref(id, btf.SizeOrType(id), "return type", voidOk: true);
                for (int p = 0; p < vlen; p++)
                {
                    uint name = btf.Tail(id, 2 * p);
                    Name(id, name, "parameter #{0} name", p);
                    // A void last parameter without a name is how C's "..." is written.
                    Ref(id, btf.Tail(id, 2 * p + 1), "parameter #{0}", p, voidOk: p == vlen - 1 && name == 0);
                }
                break;
            case BtfKind.Var:
                Ref(id, btf.SizeOrType(id), "type");
                if (btf.Tail(id, 0) > 2)
                    throw Bad(id, $"has linkage {btf.Tail(id, 0)}; {Linkages}");
                break;
            case BtfKind.Datasec:
                CheckDatasec(id, vlen);
                break;
            case BtfKind.DeclTag:
                Ref(id, btf.SizeOrType(id), "target", anyKind: true);
                break;
        }
    }

    private void CheckDatasec(int id, int vlen)
    {
        ulong size = _btf.SizeOrType(id);
        for (int e = 0; e < vlen; e++)
        {
            int var = Ref(id, _btf.Tail(id, 3 * e), "entry #{0}", e, anyKind: true);
            if (_btf.Kind(var) is not (BtfKind.Var or BtfKind.Func))
                throw Bad(id, $"entry #{e} refers to type [{var}] ({KindName(_btf.Kind(var))}), not a VAR or FUNC");
            ulong offset = _btf.Tail(id, 3 * e + 1), length = _btf.Tail(id, 3 * e + 2);
            // Clang leaves a section's size 0 for libbpf to fill in from the ELF; only a size set bounds entries.
            if (size != 0 && offset + length > size)
                throw Bad(id, $"entry #{e} (offset {offset}, size {length}) runs past the section's size {size}");
        }
    }

    private void CheckDeclTag(int id)
    {
        int target = (int)_btf.SizeOrType(id);
        BtfKind kind = _btf.Kind(target);
        uint component = _btf.Tail(id, 0);
        int components = kind switch
        {
            BtfKind.Struct or BtfKind.Union => _btf.Vlen(target),
            BtfKind.Func => _btf.Vlen((int)_btf.SizeOrType(target)),
            BtfKind.Var or BtfKind.Typedef => 0,
            _ => throw Bad(id, $"tags type [{target}] ({KindName(kind)}); only structs, unions, variables, " +
                "functions and typedefs take tags"),
        };
        if (component != NoComponent && component >= (uint)components)
            throw Bad(id, $"tags component {component} of type [{target}] ({KindName(kind)}), which has {components}");
    }

    // The field names are formats ("member #{0}") filled in only on failure: checks run on every load,
    // and a string per member would be most of what they allocate.
    private void Name(int id, uint offset, string what, int index = 0)
    {
        if (!_btf.IsString(offset))
            throw Bad(id, $"has {Field(what, index)} offset {offset}, past the string section " +
                $"({_btf.StringLength} bytes)");
    }

    /// <summary>Checks a referenced id and returns it; void (0) only where C allows it.</summary>
    private int Ref(int id, uint target, string what, int index = 0, bool voidOk = false, bool anyKind = false)
    {
        if (target > (uint)_btf.Count)
            throw Bad(id, $"{Field(what, index)} refers to type [{target}], but the last type is [{_btf.Count}]");
        if (target == 0 && !voidOk)
            throw Bad(id, $"{Field(what, index)} refers to void (type [0])");
        BtfKind kind = _btf.Kind((int)target);
        if (!anyKind && kind is BtfKind.Func or BtfKind.Var or BtfKind.Datasec or BtfKind.DeclTag)
            throw Bad(id, $"{Field(what, index)} refers to type [{target}], a {KindName(kind)}, " +
                "which is not a data type");
        return (int)target;
    }

    private static string Field(string what, int index) => string.Format(CultureInfo.InvariantCulture, what, index);

    private InvalidObjectException Bad(int id, string what)
    {
        BtfKind kind = _btf.Kind(id);
        string name = _btf.IsString(_btf.NameOffset(id)) ? _btf.Name(id) : "";
        string label = name.Length == 0 ? KindName(kind) : $"{KindName(kind)} '{name}'";
        return new InvalidObjectException($"{_where}: type [{id}] {label} {what}.");
    }

    // A type that contains itself by value (a struct member, an array element, a typedef or qualifier chain)
    // is infinitely large, and libbpf 1.1's skip_mods_and_typedefs and btf__align_of walk such chains
    // without a bound. Pointers break containment, so they are no edge here. btf__align_of also recurses
    // once per level, so the depth of nesting is bounded too, far above any C type and far below a stack.
    public const int MaxNesting = 1024;

    private int EdgeCount(int id) => _btf.Kind(id) switch
    {
        BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag => 1,
        BtfKind.Var or BtfKind.Func or BtfKind.DeclTag => 1,
        BtfKind.Array => 2,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec => _btf.Vlen(id),
        BtfKind.FuncProto => _btf.Vlen(id) + 1,
        _ => 0,
    };

    private int Edge(int id, int k) => (int)(_btf.Kind(id) switch
    {
        BtfKind.Array => _btf.Tail(id, k),
        BtfKind.Struct or BtfKind.Union => _btf.Tail(id, 3 * k + 1),
        BtfKind.Datasec => _btf.Tail(id, 3 * k),
        BtfKind.FuncProto => k == 0 ? _btf.SizeOrType(id) : _btf.Tail(id, 2 * (k - 1) + 1),
        _ => _btf.SizeOrType(id),
    });

    /// <summary>Iterative depth-first walk over containment: loops and the deepest nesting, in linear time.</summary>
    private void CheckContainmentLoops()
    {
        const byte Open = 1, Done = 2;
        int count = _btf.Count;
        var state = new byte[count + 1];
        var depth = new int[count + 1];                 // levels below a finished type, itself included
        int limit = Math.Min(count, MaxNesting) + 1;    // a deeper path is refused before the stack gets there
        var stack = new int[limit];
        var next = new int[limit];
        var deepest = new int[limit];                   // deepest child so far of each type on the stack
        for (int root = 1; root <= count; root++)
        {
            if (state[root] != 0) continue;
            int sp = 0;
            stack[0] = root;
            next[0] = deepest[0] = 0;
            state[root] = Open;
            while (sp >= 0)
            {
                int id = stack[sp];
                if (next[sp] == EdgeCount(id))
                {
                    state[id] = Done;
                    depth[id] = deepest[sp] + 1;
                    if (depth[id] > MaxNesting)
                        throw Bad(id, $"nests types {depth[id]} levels deep; more than {MaxNesting} is refused");
                    if (--sp >= 0 && depth[id] > deepest[sp]) deepest[sp] = depth[id];
                    continue;
                }
                int target = Edge(id, next[sp]++);
                if (target == 0) continue;
                if (state[target] == Done)
                {
                    if (depth[target] > deepest[sp]) deepest[sp] = depth[target];
                    continue;
                }
                if (state[target] == Open)
                    throw Loop(stack.AsSpan(0, sp + 1), target, "contains itself");
                if (sp + 1 == stack.Length)
                    throw Bad(root, $"nests types more than {MaxNesting} levels deep");
                state[target] = Open;
                sp++;
                stack[sp] = target;
                next[sp] = deepest[sp] = 0;
            }
        }
    }

    // libbpf 1.1 computes a .kconfig extern's alignment with btf__align_of before it checks the type is one
    // it supports, and that walk visits every member of every nested struct again for each path to it: a
    // few dozen levels of two-member structs never finish. Kconfig values are integers, enums or char arrays.
    private void CheckKconfigVariables()
    {
        for (int sec = 1; sec <= _btf.Count; sec++)
        {
            if (_btf.Kind(sec) != BtfKind.Datasec || !ElfImage.NameEquals(_btf.Strings, _btf.NameOffset(sec),
                ".kconfig"u8))
                continue;
            for (int e = 0; e < _btf.Vlen(sec); e++)
            {
                int var = (int)_btf.Tail(sec, 3 * e), id = (int)_btf.SizeOrType(var);
                while (_btf.Kind(id) is BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.TypeTag
                       or BtfKind.Array)
                    id = (int)(_btf.Kind(id) == BtfKind.Array ? _btf.Tail(id, 0) : _btf.SizeOrType(id));
                if (_btf.Kind(id) is BtfKind.Struct or BtfKind.Union)
                    throw Bad(var, $"is a .kconfig extern of a type with a {KindName(_btf.Kind(id))} in it " +
                        $"(type [{id}]); kconfig values are integers, enums and char arrays");
            }
        }
    }

    // Pointers and qualifiers that lead back to themselves without passing a struct, union or function
    // prototype: the kernel rejects the loop, and walkers that skip pointers and qualifiers never end.
    private void CheckPointerLoops()
    {
        var state = new int[_btf.Count + 1]; // 0 unseen, the root's id while on its walk, -1 when finished
        Span<int> path = stackalloc int[16];
        for (int root = 1; root <= _btf.Count; root++)
        {
            int id = root, steps = 0;
            while (id != 0 && state[id] == 0 && IsChain(_btf.Kind(id)))
            {
                state[id] = root;
                if (steps < path.Length) path[steps] = id;
                steps++;
                id = (int)_btf.SizeOrType(id);
            }
            if (id != 0 && state[id] == root)
                throw Loop(path.Slice(0, Math.Min(steps, path.Length)), id, "points back to itself");
            for (int walk = root; walk != id && walk != 0 && state[walk] == root; walk = (int)_btf.SizeOrType(walk))
                state[walk] = -1;
        }
    }

    private static bool IsChain(BtfKind kind) =>
        kind is BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.TypeTag;

    private InvalidObjectException Loop(ReadOnlySpan<int> path, int target, string what)
    {
        int start = path.IndexOf(target);
        var text = new StringBuilder();
        foreach (int id in path.Slice(start < 0 ? 0 : start))
            text.Append('[').Append(id).Append("] ").Append(KindName(_btf.Kind(id))).Append(" -> ");
        text.Append('[').Append(target).Append(']');
        return new InvalidObjectException($"{_where}: type [{target}] {what} through {text}.");
    }
}
