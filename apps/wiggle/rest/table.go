package rest

// handlers maps every operationId of the document to its handler. New
// checks that the two sets are equal.
func handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		// Auth / session / cloud
		"oauthToken":         (*Handler).oauthToken,
		"oauthAuthorizeForm": (*Handler).oauthAuthorizeForm,
		"oauthAuthorize":     (*Handler).oauthAuthorize,
		"oauth2faForm":       (*Handler).oauth2faForm,
		"oauth2fa":           (*Handler).oauth2fa,
		"getSession":         (*Handler).getSession,
		"getOneTimeToken":    (*Handler).getOneTimeToken,
		"deleteSession":      (*Handler).deleteSession,
		"listScopes":         (*Handler).listScopes,
		"getCloudConnection": (*Handler).getCloudConnection,
		"getCloud":           (*Handler).getCloud,

		// Users
		"listUsers":            (*Handler).listUsers,
		"createUser":           (*Handler).createUser,
		"getUser":              (*Handler).getUser,
		"changeUserPassword":   (*Handler).changeUserPassword,
		"deleteUser":           (*Handler).deleteUser,
		"testUserPermission":   (*Handler).testUserPermission,
		"grantUserPermission":  (*Handler).grantUserPermission,
		"revokeUserPermission": (*Handler).revokeUserPermission,
		"joinUserRole":         (*Handler).joinUserRole,
		"leaveUserRole":        (*Handler).leaveUserRole,
		"joinUserOrg":          (*Handler).joinUserOrg,
		"leaveUserOrg":         (*Handler).leaveUserOrg,
		"addUserKey":           (*Handler).addUserKey,
		"deleteUserKey":        (*Handler).deleteUserKey,
		"addUserYubikey":       (*Handler).addUserYubikey,
		"deleteUserYubikey":    (*Handler).deleteUserYubikey,
		"createUserToken":      (*Handler).createUserToken,
		"deleteUserToken":      (*Handler).deleteUserToken,
		"setUserMetadata":      (*Handler).setUserMetadata,
		"setUserMetadataPath":  (*Handler).setUserMetadataPath,
		"deleteUserMetadata":   (*Handler).deleteUserMetadata,

		// Roles
		"listRoles":            (*Handler).listRoles,
		"createRole":           (*Handler).createRole,
		"getRole":              (*Handler).getRole,
		"updateRole":           notSupported,
		"deleteRole":           (*Handler).deleteRole,
		"grantRolePermission":  (*Handler).grantRolePermission,
		"revokeRolePermission": (*Handler).revokeRolePermission,
		"setRoleMetadata":      (*Handler).setRoleMetadata,
		"setRoleMetadataPath":  (*Handler).setRoleMetadataPath,
		"deleteRoleMetadata":   (*Handler).deleteRoleMetadata,

		// Orgs
		"listOrgs":            (*Handler).listOrgs,
		"createOrg":           (*Handler).createOrg,
		"getOrg":              (*Handler).getOrg,
		"updateOrg":           notSupported,
		"deleteOrg":           (*Handler).deleteOrg,
		"getOrgAccounting":    (*Handler).getOrgAccounting,
		"createOrgTrigger":    (*Handler).createOrgTrigger,
		"deleteOrgTrigger":    (*Handler).deleteOrgTrigger,
		"changeOrgResource":   (*Handler).changeOrgResource,
		"setOrgDockerNetwork": (*Handler).setOrgDockerNetwork,
		"setOrgMetadata":      (*Handler).setOrgMetadata,
		"setOrgMetadataPath":  (*Handler).setOrgMetadataPath,
		"deleteOrgMetadata":   (*Handler).deleteOrgMetadata,

		// Clients
		"listClients":            (*Handler).listClients,
		"createClient":           (*Handler).createClient,
		"getClient":              (*Handler).getClient,
		"changeClientSecret":     (*Handler).changeClientSecret,
		"deleteClient":           (*Handler).deleteClient,
		"grantClientPermission":  (*Handler).grantClientPermission,
		"revokeClientPermission": (*Handler).revokeClientPermission,
		"addClientURI":           (*Handler).addClientURI,
		"deleteClientURI":        (*Handler).deleteClientURI,
		"setClientMetadata":      (*Handler).setClientMetadata,
		"setClientMetadataPath":  (*Handler).setClientMetadataPath,
		"deleteClientMetadata":   (*Handler).deleteClientMetadata,
	}
}
