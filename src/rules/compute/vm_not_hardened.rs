//! CMP-003: a virtual machine that misses baseline hardening.

use crate::model::{Node, Severity};
use crate::rules::network::{Phrases, join_list};
use crate::rules::{Context, Report, Rule, RuleKind, RuleMeta, Stride};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        id: "CMP-003",
        name: "vm-not-hardened",
        title: "Virtual machine misses baseline hardening",
        severity: Severity::Medium,
        severity_reason: "Medium: missing Trusted Launch, host encryption or SSH keys weakens a \
                           machine against boot kits, disk theft and password guessing, but none \
                           opens it to the network by itself (SE:08 hardening).",
        kind: RuleKind::Property,
        se: &["SE:08", "SE:07"],
        mcsb: &["PV-3", "DP-4", "IM-6"],
        stride: Stride::Tampering,
        scope: &["virtual_machine"],
        checks: "Every virtual machine uses Trusted Launch or confidential computing, encrypts temp disks and \
                 caches (encryption at host, or Azure Disk Encryption), uses managed disks, signs Linux \
                 administrators in with SSH keys rather than passwords, and forwards IP traffic only when it \
                 is a network appliance.",
        rationale: "Secure boot and a virtual TPM stop boot kits and let the platform attest the boot chain. \
                    Server-side encryption leaves temp disks and host caches in clear text unless encryption at \
                    host is on. Passwords can be sprayed and guessed; keys cannot. IP forwarding on an ordinary \
                    VM lets it route traffic around NSGs and firewalls.",
        remediation: "Deploy with the Trusted Launch security type, turn on encryption at host, use managed \
                      disks, disable password authentication for Linux, and leave IP forwarding off except on \
                      appliances.",
        false_positives: "Images that cannot run Trusted Launch yet (some older generation-1 images), or VM sizes \
                          that do not support encryption at host.",
        learn: "https://learn.microsoft.com/azure/virtual-machines/trusted-launch",
        psrule: &[
            "Azure.VM.PublicKey",
            "Azure.VM.UseManagedDisks",
            "Azure.VM.ADE",
        ],
    },
    check,
};

fn gaps(ctx: &Context, vm: &Node) -> Phrases<'static, 5> {
    let mut gaps = Phrases::new();
    if ctx.text(vm, "security_type") == "Standard" {
        gaps.push("Trusted Launch is off");
    }
    if !ctx.bool(vm, "encryption_at_host")
        && ctx.text(vm, "disk_encryption") != "AzureDiskEncryption"
    {
        gaps.push("temp disks and caches are not encrypted");
    }
    if !ctx.bool(vm, "managed_disks") {
        gaps.push("disks are unmanaged");
    }
    if ctx.text(vm, "os") == "Linux" && ctx.text(vm, "linux_auth") == "Password" {
        gaps.push("administrators sign in with passwords");
    }
    if ctx.bool(vm, "ip_forwarding") && ctx.text(vm, "role") != "NVA" {
        gaps.push("IP forwarding is on although it is not an appliance");
    }
    gaps
}

fn check(ctx: &Context, report: &mut Report) {
    for vm in ctx.nodes_of_kind("virtual_machine") {
        let gaps = gaps(ctx, vm);
        if !gaps.is_empty() {
            report.node(
                &vm.id,
                format_args!(
                    "Virtual machine `{}` misses baseline hardening: {}",
                    ctx.label(vm),
                    join_list(gaps.as_slice())
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{DesignBuilder, assert_fires_on, assert_quiet};

    fn vms(builder: DesignBuilder) -> DesignBuilder {
        builder
            .node("vnet", "virtual_network")
            .child("snet", "subnet", "vnet")
            .child("a", "virtual_machine", "snet")
            .child("b", "virtual_machine", "snet")
            .set("b", "encryption_at_host", true)
    }

    #[test]
    fn fires_on_unencrypted_caches_and_password_login() {
        let design = vms(DesignBuilder::new())
            .set("b", "linux_auth", "Password")
            .build();
        assert_fires_on(&RULE, &design, &["a", "b"]);
    }

    #[test]
    fn quiet_when_hardened() {
        let design = vms(DesignBuilder::new())
            .set("a", "disk_encryption", "AzureDiskEncryption")
            .set("a", "role", "NVA")
            .set("a", "ip_forwarding", true)
            .build();
        assert_quiet(&RULE, &design);
    }
}
