export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="auth">
      <p className="brand auth-brand">Triage</p>
      {children}
    </main>
  );
}
