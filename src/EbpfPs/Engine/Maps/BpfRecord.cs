using System;
using System.Collections;
using System.Collections.Generic;

namespace EbpfPs;

/// <summary>
/// A decoded struct or union: field names (shared by every record of the type) and their values, in
/// declaration order. An IDictionary, so PowerShell reads $entry.Value.bytes and ConvertTo-Json works,
/// at two allocations per record instead of an OrderedDictionary's five or so; a map of a million
/// entries decodes into two million of these.
/// </summary>
public sealed class BpfRecord : IDictionary
{
    private readonly string[] _names;
    private readonly object?[] _values;

    internal BpfRecord(string[] names, object?[] values)
    {
        _names = names;
        _values = values;
    }

    public object? this[object key]
    {
        get => IndexOf(key) is int i and >= 0 ? _values[i] : null;
        set
        {
            int i = IndexOf(key);
            if (i < 0) throw new ArgumentException($"No field named '{key}'; the fields are " +
                $"{string.Join(", ", _names)}.");
            _values[i] = value;
        }
    }

    public ICollection Keys => _names;
    public ICollection Values => _values;
    public int Count => _names.Length;
    public bool IsFixedSize => true;
    public bool IsReadOnly => false;
    public bool IsSynchronized => false;
    public object SyncRoot => this;

    internal string NameAt(int i) => _names[i];
    internal object? ValueAt(int i) => _values[i];

    public bool Contains(object key) => IndexOf(key) >= 0;

    private int IndexOf(object key)
    {
        string name = key as string ?? key.ToString() ?? "";
        for (int i = 0; i < _names.Length; i++)
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase))
                return i;
        return -1;
    }

    public IDictionaryEnumerator GetEnumerator() => new Enumerator(this);
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Add(object key, object? value) =>
        throw new NotSupportedException("A record has the fields of its C type.");
    public void Clear() => throw new NotSupportedException("A record has the fields of its C type.");
    public void Remove(object key) => throw new NotSupportedException("A record has the fields of its C type.");

    public void CopyTo(Array array, int index)
    {
        for (int i = 0; i < _names.Length; i++)
            array.SetValue(new DictionaryEntry(_names[i], _values[i]), index + i);
    }

    public override string ToString()
    {
        var parts = new List<string>(_names.Length);
        for (int i = 0; i < _names.Length; i++)
            parts.Add($"{_names[i]}={_values[i]}");
        return "{" + string.Join(" ", parts) + "}";
    }

    private sealed class Enumerator : IDictionaryEnumerator
    {
        private readonly BpfRecord _record;
        private int _i = -1;

        public Enumerator(BpfRecord record) => _record = record;
        public DictionaryEntry Entry => new(_record._names[_i], _record._values[_i]);
        public object Key => _record._names[_i];
        public object? Value => _record._values[_i];
        public object Current => Entry;
        public bool MoveNext() => ++_i < _record._names.Length;
        public void Reset() => _i = -1;
    }
}
