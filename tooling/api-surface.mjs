// Fails when a public signature names a type that a user cannot import: one that
// is declared in the package but exported from no public module, or is tagged
// @internal. The types are read through the checker, so inferred signatures
// count too, not only the ones written out.
//
// usage: node tooling/api-surface.mjs packages/client packages/testing
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const checkPackage = (dir) => {
  const srcDir = path.resolve(dir, "src")
  const publicFiles = fs.readdirSync(srcDir)
    .filter((name) => name.endsWith(".ts") && name !== "index.ts")
    .map((name) => path.join(srcDir, name))
  const program = ts.createProgram(publicFiles, {
    strict: true,
    exactOptionalPropertyTypes: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ["@effect-plex/source"],
    skipLibCheck: true,
    noEmit: true,
    types: ["node"]
  })
  const checker = program.getTypeChecker()
  const own = (declaration) => path.resolve(declaration.getSourceFile().fileName).startsWith(srcDir + path.sep)
  const resolve = (symbol) => symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol

  const reachable = new Set()
  const roots = []
  const addExports = (symbol, where) => {
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = resolve(exported)
      if (reachable.has(target)) continue
      reachable.add(target)
      roots.push({ symbol: target, where: `${where}.${exported.name}` })
      if (target.flags & ts.SymbolFlags.Namespace) addExports(target, `${where}.${exported.name}`)
    }
  }
  for (const file of publicFiles) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file))
    if (moduleSymbol) addExports(moduleSymbol, path.basename(file, ".ts"))
  }

  const isInternal = (symbol) =>
    (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).some((tag) => tag.tagName.text === "internal"))
  const problems = new Map()
  const seen = new Set()

  const visitSymbol = (symbol, where) => {
    if (!symbol) return
    const declarations = symbol.declarations ?? []
    if (!declarations.some(own)) return
    if (symbol.flags & (ts.SymbolFlags.TypeParameter | ts.SymbolFlags.Property | ts.SymbolFlags.Method)) return
    if (symbol.name.startsWith("__")) return // anonymous object and function types
    const name = symbol.name
    if (!reachable.has(symbol)) problems.set(name, `${name} is named by ${where} but no public module exports it`)
    else if (isInternal(symbol)) problems.set(name, `${name} is named by ${where} but is tagged @internal`)
  }

  const visitType = (type, where, depth) => {
    if (!type || depth > 12 || seen.has(type)) return
    seen.add(type)
    visitSymbol(type.aliasSymbol, where)
    for (const arg of type.aliasTypeArguments ?? []) visitType(arg, where, depth + 1)
    if (type.isUnionOrIntersection()) {
      for (const t of type.types) visitType(t, where, depth + 1)
      return
    }
    const symbol = type.getSymbol()
    visitSymbol(symbol, where)
    if (type.flags & ts.TypeFlags.Object) {
      for (const arg of checker.getTypeArguments?.(type) ?? []) visitType(arg, where, depth + 1)
      // A foreign type is a black box: only the arguments we pass it are ours.
      const foreign = symbol && (symbol.declarations ?? []).length > 0 && !(symbol.declarations ?? []).some(own)
      if (foreign) return
      for (const property of checker.getPropertiesOfType(type)) {
        if ((property.declarations ?? []).some(own) || !property.declarations) {
          const declaration = property.valueDeclaration ?? property.declarations?.[0]
          const modifiers = declaration ? ts.getCombinedModifierFlags(declaration) : 0
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue
          if (property.name.startsWith("#")) continue
          visitType(checker.getTypeOfSymbol(property), `${where}.${property.name}`, depth + 1)
        }
      }
      for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
        for (const signature of checker.getSignaturesOfType(type, kind)) {
          for (const parameter of signature.getParameters()) {
            visitType(checker.getTypeOfSymbol(parameter), `${where}(${parameter.name})`, depth + 1)
          }
          visitType(signature.getReturnType(), `${where}()`, depth + 1)
        }
      }
    }
  }

  for (const { symbol, where } of roots) {
    if (symbol.flags & ts.SymbolFlags.Namespace && !(symbol.flags & ts.SymbolFlags.Value)) continue
    if (symbol.flags & ts.SymbolFlags.Value) visitType(checker.getTypeOfSymbol(symbol), where, 0)
    if (symbol.flags & ts.SymbolFlags.Type) visitType(checker.getDeclaredTypeOfSymbol(symbol), where, 0)
  }
  return [...problems.values()]
}

let failed = false
for (const dir of process.argv.slice(2)) {
  const problems = checkPackage(dir)
  for (const problem of problems) console.error(`${dir}: ${problem}`)
  if (problems.length > 0) failed = true
  else console.log(`${dir}: every type in a public signature is exported`)
}
process.exitCode = failed ? 1 : 0
