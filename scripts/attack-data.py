#!/usr/bin/env python3
"""Regenerates assets/attack.ron, Palisade's table of ATT&CK coverage by Azure controls.

Inputs are git snapshots of two public repositories (no network access needed):
  STACK  center-for-threat-informed-defense/security-stack-mappings (mappings/Azure/*.yaml)
  CTI    mitre/cti (enterprise-attack/: techniques, tactics, the Enterprise matrix)

Usage: scripts/attack-data.py STACK_GIT_DIR CTI_GIT_DIR > assets/attack.ron

Only facts are taken: technique ids, the protect/detect/respond category and the score of each
mapping, technique names and tactics. The mappings' comments are not copied. Techniques the
mappings name that ATT&CK later revoked are replaced by the technique that revoked them;
deprecated ones are dropped. Both are listed in the file header.
"""

import json
import re
import subprocess
import sys

import yaml  # PyYAML

# CTID mapping file -> (Palisade control id, name in our words). Files for controls the catalog
# has no component for are listed in SKIPPED with the reason.
CONTROLS = {
    "ATPForAzureSQLDatabase": ("defender_for_sql", "Defender for Azure SQL"),
    "AdaptiveApplicationControls": ("adaptive_application_controls", "Adaptive application controls (Defender for Servers)"),
    "AlertsForAzureCosmosDB": ("defender_for_cosmos_db", "Defender for Cosmos DB"),
    "AlertsForDNS": ("defender_for_dns", "DNS threat detection (Defender for Servers)"),
    "AlertsForResourceManager": ("defender_for_resource_manager", "Defender for Resource Manager"),
    "AlertsForWindowsMachines": ("defender_for_servers_alerts", "Machine threat detection (Defender for Servers)"),
    "AlertsNetworkLayer": ("defender_network_alerts", "Network-layer threat detection (Defender for Servers)"),
    "AzureADIdentitySecureScore": ("identity_secure_score", "Entra identity secure score"),
    "AzureADManagedIdentities": ("managed_identities", "Managed identities"),
    "AzureADMultiFactorAuthentication": ("multifactor_authentication", "Entra multifactor authentication"),
    "AzureADPasswordPolicy": ("password_policy", "Entra password policy"),
    "AzureADPasswordProtection": ("password_protection", "Entra password protection"),
    "AzureADRoleBasedAccessControl": ("role_based_access_control", "Azure role-based access control"),
    "AzureAutomationUpdateMGT": ("update_management", "Update management"),
    "AzureBackup": ("backup", "Azure Backup"),
    "AzureDDOS": ("ddos_protection", "DDoS Protection"),
    "AzureDefenderForAppService": ("defender_for_app_service", "Defender for App Service"),
    "AzureDefenderForContainerRegistries": ("defender_for_container_registries", "Defender for Containers: registries"),
    "AzureDefenderForKeyVault": ("defender_for_key_vault", "Defender for Key Vault"),
    "AzureDefenderForKubernetes": ("defender_for_kubernetes", "Defender for Containers: clusters"),
    "AzureDefenderForStorage": ("defender_for_storage", "Defender for Storage"),
    "AzureFirewall": ("azure_firewall", "Azure Firewall"),
    "AzureKeyVault": ("key_vault", "Key Vault"),
    "AzurePolicy": ("azure_policy", "Azure Policy"),
    "AzurePrivateLink": ("private_link", "Private Link"),
    "AzureSentinel": ("sentinel", "Microsoft Sentinel"),
    "AzureTrafficAnalytics": ("traffic_analytics", "Flow logs and traffic analytics"),
    "AzureVPN": ("vpn_gateway", "VPN Gateway"),
    "AzureWebApplicationFirewall": ("web_application_firewall", "Web application firewall"),
    "ConditionalAccess": ("conditional_access", "Conditional Access"),
    "ContinuousAccessEvaluation": ("continuous_access_evaluation", "Continuous access evaluation"),
    "DockerHostHardening": ("container_host_hardening", "Container host hardening (Defender for Servers)"),
    "FileIntegrityMonitoring": ("file_integrity_monitoring", "File integrity monitoring (Defender for Servers P2)"),
    "IdentityProtection": ("identity_protection", "ID Protection"),
    "JustInTimeVMAccess": ("just_in_time_vm_access", "Just-in-time VM access"),
    "LinuxAuditdAndLogAnalytics": ("linux_audit_logs", "Linux audit logs in Log Analytics"),
    "MicrosoftAntimalwareForAzure": ("antimalware", "Endpoint antimalware (Defender for Servers)"),
    "MicrosoftDefenderForIdentity": ("defender_for_identity", "Defender for Identity"),
    "NetworkSecurityGroups": ("network_security_groups", "Network security groups"),
    "PasswordlessAuthentication": ("passwordless_authentication", "Passwordless, phishing-resistant sign-in"),
    "PrivilegedIdentityManagement": ("privileged_identity_management", "Privileged Identity Management"),
    "SQLVulnerabilityAssessment": ("sql_vulnerability_assessment", "SQL vulnerability assessment"),
    "SecurityCenterRecommendations": ("security_recommendations", "Defender for Cloud recommendations"),
    "VulnerabilityAssessmentQualys": ("vulnerability_assessment", "Machine vulnerability assessment (Defender for Servers)"),
}
SKIPPED = {
    "AzureDNSAliasRecords": "no DNS zone component for public records",
    "AzureDNSAnalytics": "no DNS server component",
    "AzureDedicatedHSM": "Dedicated HSM is not in the catalog (Managed HSM is a different service)",
    "CloudAppSecurity": "no Defender for Cloud Apps component",
}

# Techniques on these platforms form the cloud and identity part of the matrix the designer shows;
# any other technique a control covers is shown as well.
CLOUD_PLATFORMS = {"IaaS", "SaaS", "Identity Provider", "Office Suite", "Containers"}


def git_blobs(git_dir, folder):
    """Every JSON file under `folder` at HEAD, parsed."""
    names = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", folder],
        check=True, capture_output=True, text=True).stdout.split()
    batch = subprocess.run(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        input="".join(f"HEAD:{n}\n" for n in names).encode(), check=True, capture_output=True).stdout
    out, pos = [], 0
    for _ in names:
        header_end = batch.index(b"\n", pos)
        size = int(batch[pos:header_end].split()[2])
        out.append(json.loads(batch[header_end + 1:header_end + 1 + size]))
        pos = header_end + 1 + size + 1
    return out


def head(git_dir):
    return subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()


def attack_id(obj):
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack":
            return ref["external_id"]
    return None


def load_attack(cti):
    objects = {}
    for bundle in git_blobs(cti, "enterprise-attack/attack-pattern"):
        for o in bundle["objects"]:
            objects[o["id"]] = o
    revoked_by = {}
    for bundle in git_blobs(cti, "enterprise-attack/relationship"):
        for o in bundle["objects"]:
            if o.get("relationship_type") == "revoked-by":
                revoked_by[o["source_ref"]] = o["target_ref"]
    tactics = {}
    for bundle in git_blobs(cti, "enterprise-attack/x-mitre-tactic"):
        for o in bundle["objects"]:
            tactics[o["id"]] = o
    matrix = git_blobs(cti, "enterprise-attack/x-mitre-matrix")[0]["objects"][0]
    order = [tactics[ref] for ref in matrix["tactic_refs"]]
    by_id = {}
    for o in objects.values():
        ident = attack_id(o)
        if ident:
            by_id.setdefault(ident, []).append(o)
    subject = subprocess.run(["git", "--git-dir", cti, "log", "-1", "--format=%s"],
                             check=True, capture_output=True, text=True).stdout
    version = re.search(r"v(\d+(?:\.\d+)?)", subject).group(1)
    return objects, revoked_by, order, by_id, version


def resolve(ident, objects, revoked_by, by_id, notes):
    """The current technique for an id the mappings name, or None when it is deprecated."""
    candidates = by_id.get(ident, [])
    live = [o for o in candidates if not o.get("revoked") and not o.get("x_mitre_deprecated")]
    if live:
        return live[0]
    for o in candidates:
        if o.get("revoked") and o["id"] in revoked_by:
            target = objects[revoked_by[o["id"]]]
            notes.add(f"{ident} was revoked; its mappings count for {attack_id(target)}")
            return resolve(attack_id(target), objects, revoked_by, by_id, notes)
    notes.add(f"{ident} is deprecated or unknown in this ATT&CK version; its mappings are dropped")
    return None


def main():
    stack, cti = sys.argv[1], sys.argv[2]
    objects, revoked_by, tactic_order, by_id, version = load_attack(cti)
    notes = set()
    controls = []
    used = {}
    for source, (control, name) in sorted(CONTROLS.items(), key=lambda kv: kv[1][0]):
        text = subprocess.run(
            ["git", "--git-dir", stack, "show", f"HEAD:mappings/Azure/{source}.yaml"],
            check=True, capture_output=True, text=True).stdout
        mapping = yaml.safe_load(text)
        entries = set()

        def add(ident, scores):
            technique = resolve(ident, objects, revoked_by, by_id, notes)
            if technique is None:
                return
            current = attack_id(technique)
            used[current] = technique
            for score in scores:
                entries.add((current, score["category"], score["value"]))

        for t in mapping.get("techniques", []):
            add(t["id"], t.get("technique-scores", []))
            for group in t.get("sub-techniques-scores", []):
                for sub in group["sub-techniques"]:
                    add(sub["id"], group["scores"])
        # A technique revoked into another may leave two scores in one category: keep the best.
        best = {}
        rank = {"Minimal": 0, "Partial": 1, "Significant": 2}
        for ident, category, value in entries:
            key = (ident, category)
            if key not in best or rank[value] > rank[best[key]]:
                best[key] = value
        controls.append((control, name, source, sorted((k[0], k[1], v) for k, v in best.items())))

    # The matrix: cloud and identity techniques, plus every technique a control maps to.
    shown = dict(used)
    for ident, candidates in by_id.items():
        for o in candidates:
            if o.get("revoked") or o.get("x_mitre_deprecated") or "x_mitre_platforms" not in o:
                continue
            if CLOUD_PLATFORMS & set(o["x_mitre_platforms"]):
                shown[ident] = o
    for ident in list(shown):
        if "." in ident:  # a sub-technique needs its parent in the table
            parent = ident.split(".")[0]
            for o in by_id.get(parent, []):
                if not o.get("revoked") and not o.get("x_mitre_deprecated"):
                    shown[parent] = o

    def q(s):
        return json.dumps(s, ensure_ascii=False)

    out = []
    out.append("// ATT&CK coverage of Azure controls. Generated by scripts/attack-data.py; do not edit by hand.")
    out.append("//")
    out.append("// Technique ids, categories (Protect, Detect, Respond) and scores (Minimal, Partial, Significant):")
    out.append("// Center for Threat-Informed Defense, Security Stack Mappings for Azure,")
    out.append("// github.com/center-for-threat-informed-defense/security-stack-mappings, folder mappings/Azure,")
    out.append(f"// commit {head(stack)}. Copyright MITRE Engenuity, Apache License 2.0.")
    out.append("// Mapped against ATT&CK 8.2; the mappings' comments are not copied.")
    out.append("//")
    out.append("// Technique names, tactics and platforms: MITRE ATT&CK Enterprise")
    out.append(f"// v{version}, github.com/mitre/cti commit {head(cti)}.")
    out.append("// ATT&CK is a registered trademark of The MITRE Corporation, used under its terms of use.")
    out.append("//")
    out.append("// Not included, because the catalog has no component that realises them:")
    for source, why in sorted(SKIPPED.items()):
        out.append(f"//   {source}: {why}")
    out.append("// Changes from ATT&CK 8.2 to this version:")
    for note in sorted(notes):
        out.append(f"//   {note}")
    out.append("(")
    out.append(f"    attack_version: {q(version)},")
    out.append("    tactics: [")
    for t in tactic_order:
        out.append(f"        ({q(attack_id(t))}, {q(t['x_mitre_shortname'])}, {q(t['name'])}),")
    out.append("    ],")
    out.append("    // (id, name, tactics, platforms)")
    out.append("    techniques: [")

    def sort_key(ident):
        base, _, sub = ident.partition(".")
        return (int(base[1:]), int(sub or 0))

    for ident in sorted(shown, key=sort_key):
        o = shown[ident]
        phases = [p["phase_name"] for p in o.get("kill_chain_phases", []) if p["kill_chain_name"] == "mitre-attack"]
        platforms = sorted(o.get("x_mitre_platforms", []))
        out.append(f"        ({q(ident)}, {q(o['name'])}, [{', '.join(q(p) for p in phases)}], [{', '.join(q(p) for p in platforms)}]),")
    out.append("    ],")
    out.append("    controls: [")
    for control, name, source, entries in controls:
        out.append("        (")
        out.append(f"            id: {q(control)},")
        out.append(f"            name: {q(name)},")
        out.append(f"            mapping: {q(source + '.yaml')},")
        out.append("            coverage: [")
        for ident, category, value in sorted(entries, key=lambda e: (sort_key(e[0]), e[1])):
            out.append(f"                ({q(ident)}, {category}, {value}),")
        out.append("            ],")
        out.append("        ),")
    out.append("    ],")
    out.append(")")
    print("\n".join(out))


if __name__ == "__main__":
    main()
