//! The kind icons (assets/icons), embedded so an installed binary needs no asset folder.
//! Used by the SVG export and, rasterized, by the canvas.

/// The SVG text of an icon by file stem.
pub fn icon_svg(name: &str) -> Option<&'static str> {
    Some(match name {
        "ai_search" => include_str!("../../assets/icons/ai_search.svg"),
        "ai_services" => include_str!("../../assets/icons/ai_services.svg"),
        "aks_cluster" => include_str!("../../assets/icons/aks_cluster.svg"),
        "api_management" => include_str!("../../assets/icons/api_management.svg"),
        "app_configuration" => include_str!("../../assets/icons/app_configuration.svg"),
        "app_service" => include_str!("../../assets/icons/app_service.svg"),
        "app_service_environment" => include_str!("../../assets/icons/app_service_environment.svg"),
        "application_gateway" => include_str!("../../assets/icons/application_gateway.svg"),
        "application_insights" => include_str!("../../assets/icons/application_insights.svg"),
        "azure_firewall" => include_str!("../../assets/icons/azure_firewall.svg"),
        "azure_policy_assignment" => include_str!("../../assets/icons/azure_policy_assignment.svg"),
        "bastion" => include_str!("../../assets/icons/bastion.svg"),
        "container_app" => include_str!("../../assets/icons/container_app.svg"),
        "container_registry" => include_str!("../../assets/icons/container_registry.svg"),
        "cosmos_db" => include_str!("../../assets/icons/cosmos_db.svg"),
        "data_factory" => include_str!("../../assets/icons/data_factory.svg"),
        "databricks_workspace" => include_str!("../../assets/icons/databricks_workspace.svg"),
        "ddos_protection_plan" => include_str!("../../assets/icons/ddos_protection_plan.svg"),
        "defender_for_cloud" => include_str!("../../assets/icons/defender_for_cloud.svg"),
        "dns_private_resolver" => include_str!("../../assets/icons/dns_private_resolver.svg"),
        "entra_group" => include_str!("../../assets/icons/entra_group.svg"),
        "entra_id" => include_str!("../../assets/icons/entra_id.svg"),
        "event_hubs" => include_str!("../../assets/icons/event_hubs.svg"),
        "front_door" => include_str!("../../assets/icons/front_door.svg"),
        "function_app" => include_str!("../../assets/icons/function_app.svg"),
        "internet" => include_str!("../../assets/icons/internet.svg"),
        "internet_users" => include_str!("../../assets/icons/internet_users.svg"),
        "key_vault" => include_str!("../../assets/icons/key_vault.svg"),
        "key_vault_managed_hsm" => include_str!("../../assets/icons/key_vault_managed_hsm.svg"),
        "load_balancer" => include_str!("../../assets/icons/load_balancer.svg"),
        "log_analytics_workspace" => include_str!("../../assets/icons/log_analytics_workspace.svg"),
        "logic_app" => include_str!("../../assets/icons/logic_app.svg"),
        "managed_identity" => include_str!("../../assets/icons/managed_identity.svg"),
        "management_group" => include_str!("../../assets/icons/management_group.svg"),
        "microsoft_purview" => include_str!("../../assets/icons/microsoft_purview.svg"),
        "microsoft_sentinel" => include_str!("../../assets/icons/microsoft_sentinel.svg"),
        "monitor_private_link_scope" => {
            include_str!("../../assets/icons/monitor_private_link_scope.svg")
        }
        "nat_gateway" => include_str!("../../assets/icons/nat_gateway.svg"),
        "network_security_group" => include_str!("../../assets/icons/network_security_group.svg"),
        "on_premises_network" => include_str!("../../assets/icons/on_premises_network.svg"),
        "on_premises_server" => include_str!("../../assets/icons/on_premises_server.svg"),
        "operator" => include_str!("../../assets/icons/operator.svg"),
        "postgresql_flexible_server" => {
            include_str!("../../assets/icons/postgresql_flexible_server.svg")
        }
        "private_dns_zone" => include_str!("../../assets/icons/private_dns_zone.svg"),
        "private_endpoint" => include_str!("../../assets/icons/private_endpoint.svg"),
        "private_link_service" => include_str!("../../assets/icons/private_link_service.svg"),
        "public_ip" => include_str!("../../assets/icons/public_ip.svg"),
        "recovery_services_vault" => include_str!("../../assets/icons/recovery_services_vault.svg"),
        "redis_cache" => include_str!("../../assets/icons/redis_cache.svg"),
        "resource_group" => include_str!("../../assets/icons/resource_group.svg"),
        "route_table" => include_str!("../../assets/icons/route_table.svg"),
        "service_bus" => include_str!("../../assets/icons/service_bus.svg"),
        "service_principal" => include_str!("../../assets/icons/service_principal.svg"),
        "sql_database" => include_str!("../../assets/icons/sql_database.svg"),
        "sql_managed_instance" => include_str!("../../assets/icons/sql_managed_instance.svg"),
        "storage_account" => include_str!("../../assets/icons/storage_account.svg"),
        "subnet" => include_str!("../../assets/icons/subnet.svg"),
        "subscription" => include_str!("../../assets/icons/subscription.svg"),
        "virtual_machine" => include_str!("../../assets/icons/virtual_machine.svg"),
        "virtual_network" => include_str!("../../assets/icons/virtual_network.svg"),
        "virtual_wan_hub" => include_str!("../../assets/icons/virtual_wan_hub.svg"),
        "vnet_gateway" => include_str!("../../assets/icons/vnet_gateway.svg"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_catalog_icon_is_embedded() {
        for kind in crate::model::catalog::builtin().kinds() {
            assert!(
                super::icon_svg(&kind.icon).is_some(),
                "{}: icon `{}` not embedded",
                kind.id,
                kind.icon
            );
        }
    }
}
